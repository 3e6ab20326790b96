"""Properties of resident ID numbers (GB 11643) as ``validation.parse_id_number`` reads them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from webapp.services.validation import FieldError, mask_id_number, parse_id_number

TODAY = date(2026, 6, 1)
#: County codes that exist (濮阳's counties and a few others): the place part of a valid number.
PLACES = ("410902", "410922", "410923", "410926", "410927", "410928", "320583", "110101", "440305")
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    place = draw(st.sampled_from(PLACES))
    birth = draw(st.dates(min_value=date(1950, 1, 1), max_value=TODAY - timedelta(days=1)))
    order = draw(st.integers(min_value=0, max_value=999))
    body = f"{place}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


@given(id_numbers())
def test_valid_numbers_are_accepted_as_they_are(number: str) -> None:
    assert parse_id_number(number, today=TODAY).number == number


@given(id_numbers(), st.booleans(), st.booleans(), st.sampled_from(["", " ", "  "]))
def test_full_width_and_lower_case_x_normalise_to_the_same_number(
    number: str, fullwidth: bool, lower: bool, pad: str
) -> None:
    typed = number.translate(FULLWIDTH) if fullwidth else number
    if lower:
        typed = typed.replace("X", "x").replace("Ｘ", "ｘ")
    typed = pad + typed + pad
    once = parse_id_number(typed, today=TODAY).number
    assert once == number
    assert parse_id_number(once, today=TODAY).number == once  # idempotent


@given(id_numbers(), st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
def test_any_single_character_change_is_refused(number: str, position: int, shift: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    current = alphabet.index(number[position])
    changed = alphabet[(current + shift) % len(alphabet)]
    assume(changed != number[position])
    tampered = number[:position] + changed + number[position + 1 :]
    with pytest.raises(FieldError):
        parse_id_number(tampered, today=TODAY)


@given(id_numbers())
def test_birth_date_and_sex_come_from_the_number(number: str) -> None:
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert parsed.sex == ("M" if int(number[16]) % 2 else "F")


@given(id_numbers())
def test_a_number_born_after_today_is_refused(number: str) -> None:
    parsed = parse_id_number(number, today=TODAY)
    with pytest.raises(FieldError):
        parse_id_number(number, today=parsed.birth_date - timedelta(days=1))


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_anything_else_is_refused_with_a_chinese_reason_or_accepted_as_valid(raw: str) -> None:
    try:
        parsed = parse_id_number(raw, today=TODAY)
    except FieldError as err:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err))
    else:
        assert ric.is_valid(parsed.number) or len(parsed.number) == 18


@given(id_numbers())
def test_the_mask_keeps_only_eight_characters(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == 18 and masked.count("*") == 10
    assert masked[:4] == number[:4] and masked[-4:] == number[-4:]
