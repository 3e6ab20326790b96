"""Password strength: one check for every password a person sets — their own change on the account page, the
initial passwords of village coordinators, passwords an administrator sets, accounts created later.

zxcvbn (Dropbox's estimator) judges a password by how many guesses it would take an attacker who knows common
passwords, names, keyboard patterns, dates and l33t substitutions, and the words of this site and this person
(``user_inputs``: the username, the display name…). A score below :data:`MIN_SCORE` is refused with a Chinese
reason and zxcvbn's own advice.

Example::

    check_password_strength("Puyang-chunfeng-welders", user_inputs=["city_staff"])   # passes
    check_password_strength("city_staff2026", user_inputs=["city_staff"])             # ValidationError
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from webapp.errors import ValidationError
from webapp.models import User

#: zxcvbn's 3: "safely unguessable", about 10^8 guesses or more — well beyond what login throttling lets through.
MIN_SCORE = 3
MIN_LENGTH = 10
MAX_LENGTH = 128
#: zxcvbn refuses (ValueError) to judge more than this; a longer password is at least as strong as its start.
ZXCVBN_MAX = 72
#: Words an attacker of this site tries first.
SITE_WORDS = ("liudan", "六单", "puyang", "濮阳", "renshe", "人社局", "jiuye", "就业")


def check_password_strength(password: str, *, user_inputs: Iterable[str | None] = ()) -> None:
    """Refuse a weak password with :class:`ValidationError` naming the field ``password``.

    >>> check_password_strength("chunfeng-demo-2026", user_inputs=["admin"])
    >>> check_password_strength("liudan2026")
    Traceback (most recent call last):
    ...
    webapp.errors.ValidationError: 密码强度不足
    """
    if not isinstance(password, str) or not password:
        raise ValidationError("密码强度不足", fields={"password": "必填：请输入密码"})
    if len(password) < MIN_LENGTH:
        raise ValidationError("密码强度不足", fields={"password": f"密码至少{MIN_LENGTH}个字符"})
    if len(password) > MAX_LENGTH:  # also bounds zxcvbn's work
        raise ValidationError("密码强度不足", fields={"password": f"密码不能超过{MAX_LENGTH}个字符"})
    words = [*SITE_WORDS, *(str(word)[:100] for word in user_inputs if word)]
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return
    feedback = result.get("feedback") or {}
    advice = " ".join(
        part for part in [feedback.get("warning") or "", *(feedback.get("suggestions") or [])] if part
    )
    reason = (
        f"密码太容易被猜到（强度 {result['score']}/4，至少需要 {MIN_SCORE}）："
        "请用几个不常见的词或更长的句子，不要包含用户名、姓名或本站名称"
    )
    raise ValidationError("密码强度不足", fields={"password": f"{reason}。{advice}" if advice else reason})


def user_words(user: User) -> list[str]:
    """What zxcvbn should treat as known about ``user``: username, display name, region code."""
    return [w for w in (user.username, user.display_name, user.region_code) if w]
