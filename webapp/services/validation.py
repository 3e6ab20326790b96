"""Field-level checks shared by the pages, the API and the importers.

Each ``parse_*`` takes raw input (str, number, list or None) and returns a clean value or raises
``FieldError`` with a Chinese reason; ``collect`` gathers the reasons of many fields into one
``ValidationError`` so that a form or an API call sees every problem at once and nothing is written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import phonenumbers
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from webapp.errors import ValidationError

T = TypeVar("T")

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
#: What no text field may hold: C0/C1 control characters (tab and line breaks apart), DEL, and the UTF-16
#: surrogate halves that a JSON ``\ud800`` escape can smuggle in (no database stores them; PostgreSQL refuses NUL).
UNSAFE_TEXT_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: The largest id of a row: primary keys are INTEGER (PostgreSQL's four bytes), so a larger one names nothing.
MAX_ID = 2_147_483_647
LIST_SPLIT_RE = re.compile(r"[,，、;；\n]+")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "t", "on"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "无", "f", "off", ""}


class FieldError(Exception):
    """One field's reason for refusal."""


def unsafe_text_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored (NUL, another control character, a lone surrogate), or None.

    >>> unsafe_text_reason("第一行\\n第二行"), unsafe_text_reason("a\\x00b"), unsafe_text_reason("\\ud800")
    (None, '不能包含空字符（NUL）', '包含无效的字符（孤立的代理项 U+D800）')
    """
    found = UNSAFE_TEXT_RE.search(text)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "不能包含空字符（NUL）"
    if "\ud800" <= char <= "\udfff":
        return f"包含无效的字符（孤立的代理项 U+{ord(char):04X}）"
    return f"不能包含控制字符（U+{ord(char):04X}）"


def check_safe_text(text: str) -> str:
    """``text`` unchanged, or :class:`FieldError` naming the unsafe character."""
    reason = unsafe_text_reason(text)
    if reason is not None:
        raise FieldError(reason)
    return text


def to_halfwidth(text: str) -> str:
    """Full-width digits and letters (as typed on many Chinese phones) become ASCII."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "M" | "F"


def parse_id_number(raw: Any, *, today: date | None = None) -> ResidentId:
    """A resident ID number (GB 11643), normalised: full-width digits and a lower-case x are accepted."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise FieldError("必填：请输入18位身份证号码")
    if not isinstance(raw, str):
        raise FieldError("身份证号码必须是文本（数字格式会丢失末位），请按文本输入")
    number = to_halfwidth(raw).strip().replace(" ", "").upper()
    if len(number) != 18:
        raise FieldError(f"身份证号码应为18位，当前为{len(number)}位")
    if not (number[:17].isascii() and number[:17].isdigit()):
        raise FieldError("身份证号码格式错误：前17位应为数字，最后一位为数字或X")
    if number[-1] != ric.calc_check_digit(number):
        raise FieldError("身份证号码校验位错误，请核对最后一位")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise FieldError("身份证号码中的出生日期或地区码无效") from None
    if not _known_place(number[:6]):
        raise FieldError("身份证号码中的出生日期或地区码无效")
    if birth > (today or date.today()):
        raise FieldError("身份证号码中的出生日期晚于今天")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth, sex=sex)


@functools.cache
def _known_place(region6: str) -> bool:
    """A region code that exists in any year (cached: stdnum's lookup is slow, and imports check many IDs).

    ``ric.validate`` also refuses a county code created after the birth year (濮阳's codes 4109xx date from
    1983), but an ID number carries the place where it was issued: everyone born in 南乐县 before 1983 has one.
    """
    from stdnum import numdb

    return any(props for _part, props in numdb.get("cn/loc").info(region6))


def mask_id_number(number: str | None) -> str:
    """``410923199001011234`` → ``4109**********1234``."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_name(name: str | None) -> str:
    """``赵晓权`` → ``赵**``: the surname only, for viewers without the person's consent."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def parse_phone(raw: Any, *, required: bool = True) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise FieldError("必填：请输入11位手机号码")
        return ""
    text = to_halfwidth(str(raw)).strip().replace(" ", "").replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    if not MOBILE_RE.match(text):
        raise FieldError("手机号码应为1开头的11位数字")
    return text


LANDLINE_RE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:(?:-|转|#|分机|ext\.?)(\d{1,6}))?$", re.IGNORECASE)


def parse_contact_phone(raw: Any, *, required: bool = False) -> str:
    """A contact phone: an 11-digit mobile, or a landline 区号-号码 with an optional extension, checked against
    the numbering plan (``phonenumbers``). Stored as ``13912345678`` or ``0512-68001234`` (``-801``).

    >>> parse_contact_phone("0512-68001234"), parse_contact_phone("（0512）68001234 转 801")
    ('0512-68001234', '0512-68001234-801')
    >>> parse_contact_phone("+86 139 1234 5678")
    '13912345678'
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise FieldError("必填：请输入手机号码或固定电话（区号-号码）")
        return ""
    text = to_halfwidth(str(raw)).strip()
    for junk in (" ", "(", ")", "（", "）"):
        text = text.replace(junk, "")
    if text.startswith("+86"):
        text = text[3:]
    if MOBILE_RE.match(text.replace("-", "")):
        return text.replace("-", "")
    found = LANDLINE_RE.match(text)
    if found is not None:
        area, number, extension = found.groups()
        try:
            valid = phonenumbers.is_valid_number(phonenumbers.parse(area + number, "CN"))
        except phonenumbers.NumberParseException:
            valid = False
        if valid:
            return f"{area}-{number}" + (f"-{extension}" if extension else "")
        raise FieldError(f"固定电话 {area}-{number} 不是有效号码（请检查区号和号码位数）")
    raise FieldError("应为11位手机号码，或固定电话“区号-号码”（如 0512-68001234，分机可写 -801）")


def parse_uscc(raw: Any) -> str:
    if raw is None or not str(raw).strip():
        raise FieldError("必填：请输入18位统一社会信用代码")
    text = to_halfwidth(str(raw)).strip().replace(" ", "").upper()
    try:
        return uscc.validate(text)
    except InvalidLength:
        raise FieldError(f"统一社会信用代码应为18位，当前为{len(text)}位") from None
    except InvalidChecksum:
        raise FieldError("统一社会信用代码校验位错误") from None
    except StdnumError:
        raise FieldError("统一社会信用代码格式错误") from None


def parse_text(raw: Any, *, required: bool = True, max_len: int = 128, label: str = "") -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str | int | float):
        raise FieldError("应为文本")
    text = to_halfwidth(str(raw)).strip() if not isinstance(raw, str) else raw.strip()
    if required and not text:
        raise FieldError("必填" + (f"：请输入{label}" if label else ""))
    if len(text) > max_len:
        raise FieldError(f"不能超过{max_len}个字符")
    return check_safe_text(text)


def parse_list(raw: Any, *, max_items: int = 30, max_len: int = 64) -> list[str]:
    """A list of short texts: a JSON list, or one text separated by , ， 、 ; or new lines.

    The sizes are checked before any item is looked at (the count of items, then each item's length), and
    duplicates are dropped with a set, so a hostile list costs time in proportion to what the body may carry.

    >>> parse_list("电焊、氩弧焊，电焊")
    ['电焊', '氩弧焊']
    """
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        if len(raw) > max_items * (max_len + 2) * 2:  # an upper bound of what max_items items could take
            raise FieldError(f"内容过长：最多{max_items}项，每项不超过{max_len}个字符")
        items = [item.strip() for item in LIST_SPLIT_RE.split(raw)]
    elif isinstance(raw, list | tuple):
        if len(raw) > max_items:
            raise FieldError(f"最多{max_items}项（当前{len(raw)}项）")
        if not all(isinstance(i, str) for i in raw):
            raise FieldError("应为文本列表")
        items = [item.strip() for item in raw]
    else:
        raise FieldError("应为文本列表")
    items = [item for item in items if item]
    if len(items) > max_items:
        raise FieldError(f"最多{max_items}项（当前{len(items)}项）")
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if len(item) > max_len:
            raise FieldError(f"每一项不能超过{max_len}个字符")
        text = to_halfwidth(check_safe_text(item)).strip()
        if len(text) > max_len:
            raise FieldError(f"每一项不能超过{max_len}个字符")
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def parse_id_list(raw: Any, *, max_items: int = 500, label: str = "编号") -> list[int]:
    """Ids of rows (form check boxes or a JSON list), duplicates dropped, order kept; at most ``max_items``.

    >>> parse_id_list(["3", 1, "3"])
    [3, 1]
    """
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list | tuple):
        raise FieldError(f"应为{label}列表")
    if len(raw) > max_items:
        raise FieldError(f"一次最多{max_items}个{label}（当前{len(raw)}个）")
    out: list[int] = []
    seen: set[int] = set()
    for item in raw:
        if isinstance(item, str) and len(item) > 12:
            raise FieldError(f"无效的{label}：{item[:12]}…")
        try:
            value = parse_int(item, required=True, minimum=1, maximum=MAX_ID)
        except FieldError:
            raise FieldError(f"无效的{label}：{item!r}") from None
        if value is not None and value not in seen:
            seen.add(value)
            out.append(value)
    return out


def parse_int(
    raw: Any, *, required: bool = False, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise FieldError("必填")
        return None
    if isinstance(raw, bool):
        raise FieldError("应为整数")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise FieldError("应为整数")
        raw = int(raw)
    if isinstance(raw, str):
        text = to_halfwidth(raw).strip().replace(",", "")
        if not re.fullmatch(r"-?\d+", text):
            raise FieldError("应为整数")
        if len(text.lstrip("-0")) > 30:  # beyond any limit below, and never a number of thousands of digits
            raise FieldError("数值超出范围")
        raw = int(text)
    if not isinstance(raw, int):
        raise FieldError("应为整数")
    if minimum is not None and raw < minimum:
        raise FieldError(f"不能小于{minimum}")
    if maximum is not None and raw > maximum:
        raise FieldError(f"不能大于{maximum}")
    return raw


def parse_row_id(raw: Any, *, required: bool = False) -> int | None:
    """The id of a row (1 to :data:`MAX_ID`): a larger number names nothing and must not reach the database.

    >>> parse_row_id("42"), parse_row_id(None)
    (42, None)
    """
    return parse_int(raw, required=required, minimum=1, maximum=MAX_ID)


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return False
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    text = to_halfwidth(str(raw)).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise FieldError("应为是/否")


def parse_date(raw: Any, *, required: bool = False) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise FieldError("必填：请输入日期（如 2026-12-31）")
        return None
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        raise FieldError("日期格式应为 YYYY-MM-DD")
    text = to_halfwidth(raw).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError("日期格式应为 YYYY-MM-DD，且须为有效日期") from None


def parse_choice(raw: Any, choices: Iterable[str], *, default: str | None = None, label: str = "") -> str:
    options = list(choices)
    if (raw is None or raw == "") and default is not None:
        return default
    if not isinstance(raw, str) or raw not in options:
        raise FieldError(f"无效的{label or '选项'}，可选：{'、'.join(options)}")
    return raw


class Collector:
    """Gathers field errors; ``done()`` raises them together as one ``ValidationError``."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def field(self, name: str, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return parse(*args, **kwargs)
        except FieldError as err:
            self.errors[name] = str(err)
            return None

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def done(self, message: str = "提交的数据有误，请按提示修改") -> None:
        if self.errors:
            raise ValidationError(message, fields=self.errors)


def reject_unknown(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError("包含未知字段", fields={k: "未知字段" for k in unknown})


def parse_region(raw: Any) -> str:
    """A region code that exists in the tree (any level)."""
    from webapp.services import reference

    code = parse_text(raw, max_len=12, label="地区代码")
    if code not in reference.region_names():
        raise FieldError(f"未知的地区代码 {code}")
    return code
