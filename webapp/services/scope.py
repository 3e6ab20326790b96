"""The actor a service acts for, and the region-code arithmetic the rules of :mod:`webapp.policy` use.

Staff are scoped to a region and see what is registered at or below it. Who may see and change what is
decided by the policy registry (``webapp/policy.py``), never here.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.models import User


def region_prefix(code: str) -> str:
    """The code prefix shared by a region and everything below it (GB/T 2260 and statistical codes).

    >>> region_prefix("410000"), region_prefix("410900"), region_prefix("410922"), region_prefix("410922201")
    ('41', '4109', '410922', '410922201')
    """
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def region_level(code: str) -> str:
    if len(code) == 12:
        return "village"
    if len(code) == 9:
        return "township"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def county_of(code: str) -> str:
    """The county-level code of any code at or below a county (a city or province code stays as it is)."""
    return code[:6]


def ancestors(code: str) -> list[str]:
    """A region code and the codes of the regions above it (GB/T 2260 prefixes), nearest first.

    >>> ancestors("410923201001")
    ['410923201001', '410923201', '410923', '410900', '410000']
    >>> ancestors("410900")
    ['410900', '410000']
    """
    out = [code]
    if len(code) == 12:
        out.append(code[:9])
    if len(code) >= 9:
        out.append(code[:6])
    six = code[:6]
    for parent in (six[:4] + "00", six[:2] + "0000"):
        if parent not in out:
            out.append(parent)
    return out


def within(code: str | None, ancestor: str) -> bool:
    return bool(code) and str(code).startswith(region_prefix(ancestor))


@dataclass(frozen=True)
class Actor:
    """The person a service acts for, as plain values. What they may do is asked of :mod:`webapp.policy`."""

    user_id: int | None
    role: str
    region_code: str | None = None
    employer_id: int | None = None
    username: str = ""

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.role, user.region_code, user.employer_id, user.username)
