"""Follow-up visits after a placement, their reminders, weekly statistics snapshots and Excel import batches."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models import Placement, User, Worker, utcnow

__all__ = [
    "FOLLOW_UP_OUTCOMES",
    "FOLLOW_UP_STATUSES",
    "IMPORT_KINDS",
    "IMPORT_STATUSES",
    "FollowUp",
    "FollowUpReminder",
    "ImportBatch",
    "StatsSnapshot",
]

#: scheduled → done (an outcome was recorded) | cancelled (the placement ended before the visit was due)
FOLLOW_UP_STATUSES = ("scheduled", "done", "cancelled")
#: still in the job · left the job · could not be reached
FOLLOW_UP_OUTCOMES = ("employed", "left", "unreachable")
IMPORT_KINDS = ("workers", "employers", "job-orders")
#: previewed (checked, file kept for the commit) · refused (errors) · committed · discarded (never committed)
IMPORT_STATUSES = ("previewed", "refused", "committed", "discarded")


class FollowUp(db.Model):
    """跟踪回访: one visit scheduled from a placement, assigned to the coordinator of the worker's village."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    visit_key: Mapped[str] = mapped_column(String(32))  # a [[visit]] key of config/followups.toml
    sequence: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    visited_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16), default="")
    wage_now: Mapped[int | None] = mapped_column(Integer)
    left_reason: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    reminded_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    placement: Mapped[Placement] = relationship()
    worker: Mapped[Worker] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    __table_args__ = (UniqueConstraint("placement_id", "visit_key", name="uq_follow_up_placement_visit"),)


class FollowUpReminder(db.Model):
    """The daily reminder a coordinator gets: visits due soon and overdue (one per coordinator and day)."""

    __tablename__ = "follow_up_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    due_soon: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    follow_up_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "sent_on", name="uq_follow_up_reminder_user_day"),)


class StatsSnapshot(db.Model):
    """The figures of one region on one day (taken weekly): the dashboard's trend."""

    __tablename__ = "stats_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    taken_on: Mapped[date] = mapped_column(Date, index=True)
    labour_force: Mapped[int] = mapped_column(Integer, default=0)
    employed: Mapped[int] = mapped_column(Integer, default=0)
    trained: Mapped[int] = mapped_column(Integer, default=0)
    seeking: Mapped[int] = mapped_column(Integer, default=0)
    placements: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("region_code", "taken_on", name="uq_stats_snapshot_region_day"),)


class ImportBatch(db.Model):
    """One Excel/CSV import: what was checked, what was written, and the row errors."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    stored_path: Mapped[str] = mapped_column(String(512), default="")  # kept between preview and commit
    status: Mapped[str] = mapped_column(String(16), default="previewed", index=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_processed: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
