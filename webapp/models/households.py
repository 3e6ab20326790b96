"""防返贫动态监测 (四不摘): households that left poverty, or are at risk of it, stay watched.

- ``Household`` (户) — a monitored household of one village: the year it left poverty (脱贫年度, none for an
  边缘易致贫户 that was never registered), its monitoring category (``config/households.toml``: 脱贫不稳定户 /
  边缘易致贫户 / 突发严重困难户), its risk flags and its visit plan (every N days, the next visit due);
- ``HouseholdMember`` — a worker belonging to it (a worker belongs to at most one household);
- ``HouseholdVisit`` — one visit made (走访), with the risks found then.

Visits follow the household, not a placement: they go on whether or not anyone of it is employed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models import Region, User, Worker, utcnow

__all__ = [
    "HOUSEHOLD_STATUSES",
    "MEMBER_RELATIONS",
    "Household",
    "HouseholdMember",
    "HouseholdVisit",
]

#: monitored → cleared (风险消除, staff end the monitoring with a reason)
HOUSEHOLD_STATUSES = ("monitored", "cleared")
MEMBER_RELATIONS = ("head", "spouse", "child", "parent", "other")


class Household(db.Model):
    """户: a household under 防返贫 monitoring."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    head_name: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    left_poverty_year: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(16), index=True)  # a [[category]] key of households.toml
    risk_flags: Mapped[list[str]] = mapped_column(JSON, default=list)  # [[risk]] keys
    visit_every_days: Mapped[int] = mapped_column(Integer)
    next_visit_on: Mapped[date] = mapped_column(Date, index=True)
    last_visited_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="monitored", index=True)
    cleared_reason: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    region: Mapped[Region] = relationship()
    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="HouseholdMember.id"
    )
    visits: Mapped[list[HouseholdVisit]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="HouseholdVisit.visited_on.desc()"
    )

    __table_args__ = (
        CheckConstraint("visit_every_days > 0", name="visit_every_days_positive"),
        CheckConstraint(
            "left_poverty_year IS NULL OR left_poverty_year >= 2013", name="left_poverty_year_sane"
        ),
    )


class HouseholdMember(db.Model):
    """A worker of a household (one household per worker)."""

    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), unique=True)
    relation: Mapped[str] = mapped_column(String(16), default="other")

    household: Mapped[Household] = relationship(back_populates="members")
    worker: Mapped[Worker] = relationship()


class HouseholdVisit(db.Model):
    """走访: one visit made to a household, what was found, and who made it."""

    __tablename__ = "household_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    risk_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    visited_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    household: Mapped[Household] = relationship(back_populates="visits")
    visitor: Mapped[User | None] = relationship()
