"""Tables of the demand board, training orders and subsidies (亮单、点单、接单、买单).

- ``TrainingProvider`` — a training institution (培训机构), managed by one trainer account;
- ``Course`` (培训机构接单) — a course opened against unmet demand, linked to the job orders it trains for
  (``course_job_order``, 订单式培训); ``Enrolment`` and ``Attendance`` of its trainees;
- ``BudgetLine``, ``SubsidyClaim`` and ``SubsidyClaimLine`` (政府统一买单) — the money side;
- ``SignupRequest`` and ``SignupAttempt`` (群众点单) — sign-ups from the public board, waiting for staff, and
  the per-client counter that rate-limits them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models import JobOrder, Region, User, Worker, utcnow

__all__ = [
    "COURSE_STATUSES",
    "CLAIM_STATUSES",
    "ENROLMENT_SOURCES",
    "ENROLMENT_STATUSES",
    "SIGNUP_KINDS",
    "SIGNUP_STATUSES",
    "VENUE_KINDS",
    "Attendance",
    "BudgetLine",
    "Course",
    "Enrolment",
    "SignupAttempt",
    "SignupRequest",
    "SubsidyClaim",
    "SubsidyClaimLine",
    "TrainingProvider",
    "course_job_order",
]

VENUE_KINDS = ("base", "point")  # 培训基地 / 教学点
COURSE_STATUSES = ("open", "finished", "cancelled")
ENROLMENT_STATUSES = ("enrolled", "completed", "failed", "withdrawn")
ENROLMENT_SOURCES = ("signup", "wished", "near_miss", "manual")
CLAIM_STATUSES = ("submitted", "returned", "approved", "paid")
SIGNUP_KINDS = ("new", "update")
SIGNUP_STATUSES = ("pending", "confirmed", "rejected")


class TrainingProvider(db.Model):
    """培训机构: a training institution; ``user_id`` is the trainer account that manages it.

    ``uscc`` and ``licence_number`` (办学许可证号) identify it; ``occupations`` are the occupation codes it
    is licensed to train.
    """

    __tablename__ = "training_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    licence_number: Mapped[str] = mapped_column(String(64), default="")
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    occupations: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    user: Mapped[User | None] = relationship(back_populates="training_provider")


course_job_order = Table(
    "course_job_order",
    db.metadata,
    Column("course_id", ForeignKey("course.id", ondelete="CASCADE"), primary_key=True),
    Column("job_order_id", ForeignKey("job_order.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Course(db.Model):
    """培训机构接单: a course for one occupation at a training base or teaching point."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("training_provider.id"), index=True)
    title: Mapped[str] = mapped_column(String(128))
    occupation_code: Mapped[str] = mapped_column(String(32), index=True)
    venue_kind: Mapped[str] = mapped_column(String(8), default="base")
    venue_name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)  # where the venue is
    capacity: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    cost: Mapped[int] = mapped_column(Integer, default=0)  # yuan per trainee
    certificate_name: Mapped[str] = mapped_column(String(128), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    provider: Mapped[TrainingProvider] = relationship()
    job_orders: Mapped[list[JobOrder]] = relationship(secondary=course_job_order, order_by=JobOrder.id)
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="course", order_by="Enrolment.id")

    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("cost >= 0", name="cost_not_negative"),
    )


class Enrolment(db.Model):
    """A worker on a course: status, where the proposal came from, completion and certificate."""

    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="enrolled", index=True)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    completed_on: Mapped[date | None] = mapped_column(Date)
    certificate_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    certified_on: Mapped[date | None] = mapped_column(Date)  # the certificate's date of issue
    certificate_issuer: Mapped[str | None] = mapped_column(String(128))  # 发证机构

    course: Mapped[Course] = relationship(back_populates="enrolments")
    worker: Mapped[Worker] = relationship()
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan", order_by="Attendance.day"
    )

    __table_args__ = (UniqueConstraint("course_id", "worker_id", name="uq_enrolment_course_worker"),)


class Attendance(db.Model):
    """One trainee's presence on one course day."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    present: Mapped[bool] = mapped_column(Boolean, default=True)

    enrolment: Mapped[Enrolment] = relationship(back_populates="attendance")

    __table_args__ = (UniqueConstraint("enrolment_id", "day", name="uq_attendance_enrolment_day"),)


class BudgetLine(db.Model):
    """A training-subsidy budget (预算科目) of a region and year; ``spent`` never exceeds ``total``."""

    __tablename__ = "budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    year: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    total: Mapped[int] = mapped_column(Integer)  # yuan
    spent: Mapped[int] = mapped_column(Integer, default=0)  # yuan
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    region: Mapped[Region] = relationship()

    __table_args__ = (
        CheckConstraint("spent >= 0", name="spent_not_negative"),
        CheckConstraint("spent <= total", name="within_total"),
    )

    @property
    def remaining(self) -> int:
        return self.total - self.spent


class SubsidyClaim(db.Model):
    """政府统一买单: one claim per course — qualifying trainees, amount, decision and payment."""

    __tablename__ = "subsidy_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    trainees: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(Integer, default=0)  # yuan
    rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the standard applied, as submitted
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_line.id"), index=True)
    return_reason: Mapped[str] = mapped_column(String(255), default="")
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)

    course: Mapped[Course] = relationship()
    budget_line: Mapped[BudgetLine | None] = relationship()
    lines: Mapped[list[SubsidyClaimLine]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="SubsidyClaimLine.id"
    )

    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)


class SubsidyClaimLine(db.Model):
    """One qualifying trainee of a claim and the amount claimed for them."""

    __tablename__ = "subsidy_claim_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)

    claim: Mapped[SubsidyClaim] = relationship(back_populates="lines")
    enrolment: Mapped[Enrolment] = relationship()
    worker: Mapped[Worker] = relationship()


class SignupRequest(db.Model):
    """A sign-up from the public board (群众点单) waiting for the staff of the person's region.

    ``kind`` "new": the sign-up created (or refreshed) an unverified worker, confirmed by verifying it.
    ``kind`` "update": the ID number belongs to a staff-verified worker, whose data is never overwritten
    silently; ``payload`` holds what was submitted and staff apply it by confirming.
    """

    __tablename__ = "signup_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # whose staff decide
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    job_order_id: Mapped[int | None] = mapped_column(ForeignKey("job_order.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(255), default="")

    worker: Mapped[Worker] = relationship()
    job_order: Mapped[JobOrder | None] = relationship()
    course: Mapped[Course | None] = relationship()


class SignupAttempt(db.Model):
    """How many sign-ups one client (IP address) sent in one time window: the flood guard, shared by every
    web worker because it lives in the database."""

    __tablename__ = "signup_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[datetime] = mapped_column(DateTime, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("client", "window_start", name="uq_signup_attempt_client_window"),)
