"""Password strength: zxcvbn's estimate of how many guesses a password takes, on every set and change."""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from webapp.errors import ValidationError

#: zxcvbn scores 0–4; 3 means "safely unguessable: moderate protection from offline slow-hash attacks".
MIN_SCORE = 3
MAX_LENGTH = 128


def check_password_strength(password: str, *, user_inputs: Iterable[str] = ()) -> None:
    """Refuse a password that is easy to guess (``ValidationError`` on field ``password``).

    ``user_inputs`` are words the password must not lean on (the username, the person's or company's name).

    >>> check_password_strength("correct horse battery staple 1957")
    >>> check_password_strength("password123")
    Traceback (most recent call last):
    ...
    webapp.errors.ValidationError: 密码太容易被猜到
    """
    if not password:
        raise ValidationError("请设置密码", fields={"password": "必填：请输入密码"})
    if len(password) > MAX_LENGTH:
        raise ValidationError("密码太长", fields={"password": f"密码不能超过{MAX_LENGTH}个字符"})
    words = [w for w in user_inputs if w]
    if zxcvbn(password, user_inputs=words)["score"] < MIN_SCORE:
        raise ValidationError(
            "密码太容易被猜到",
            fields={"password": "密码太容易被猜到：请用更长、不含用户名或常见词的密码（可用几个词组合）"},
        )
