"""Tables of recruitment fairs (招聘会) and cross-province labour cooperation (劳务协作).

Fairs: the fair, its participating employers (join requests and booths), its job orders, the pre-fair
shortlists (one row per invitation, ``pinned`` when staff fixed it by hand), the fitting workers left out and
why, check-ins on the day and outcomes per booth.

Cooperation: partner agreements with their posts (job orders), county quotas, the sign-up list of candidates
(with an optional ``family_group``: a family is placed together or not at all) carrying the latest batch
placement plan, and dispatch batches (组织化输出) with their members.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models import Employer, JobOrder, Region, Worker, utcnow

__all__ = [
    "CHECK_IN_METHODS",
    "DISPATCH_STATUSES",
    "FAIR_OUTCOMES",
    "FAIR_STATUSES",
    "INVITATION_ANSWERS",
    "PARTICIPANT_STATUSES",
    "CooperationAgreement",
    "CooperationCandidate",
    "CooperationPost",
    "CountyQuota",
    "DispatchBatch",
    "DispatchMember",
    "Fair",
    "FairCheckIn",
    "FairJobOrder",
    "FairLeftOut",
    "FairOutcome",
    "FairParticipant",
    "ShortlistEntry",
]

FAIR_STATUSES = ("planned", "closed", "cancelled")
PARTICIPANT_STATUSES = ("requested", "approved", "rejected")
INVITATION_ANSWERS = ("will_attend", "undecided", "declined")
CHECK_IN_METHODS = ("phone", "id_tail", "qr", "walk_in", "booth", "list")
#: Outcome at a booth → the match state it writes back (``Match.state``).
FAIR_OUTCOMES = {"interviewed": "interviewed", "offer": "offered", "hired": "hired", "declined": "declined"}
#: planned (being put together) → confirmed (确认出发: a departure plan, no placement yet) → departed (placements
#: recorded on the departure date) → arrived; a batch not yet departed may be cancelled.
DISPATCH_STATUSES = ("planned", "confirmed", "departed", "arrived", "cancelled")


class Fair(db.Model):
    """招聘会: a dated fair of one kind, organised by a region (city, county or township)."""

    __tablename__ = "fair"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    venue: Mapped[str] = mapped_column(String(255), default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="planned", index=True)
    per_order: Mapped[int | None] = mapped_column(Integer)
    max_invitations_per_worker: Mapped[int | None] = mapped_column(Integer)
    shortlisted_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    region: Mapped[Region] = relationship()


class FairParticipant(db.Model):
    """An employer at a fair: its join request (or staff's invitation), the decision and its booth."""

    __tablename__ = "fair_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fair.id", ondelete="CASCADE"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    booth: Mapped[str] = mapped_column(String(32), default="")
    requested_order_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(255), default="")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    employer: Mapped[Employer] = relationship()
    fair: Mapped[Fair] = relationship(viewonly=True)

    __table_args__ = (
        UniqueConstraint("fair_id", "employer_id", name="uq_fair_participant_fair_employer"),
        # One booth number per approved employer of a fair.
        Index(
            "uq_fair_participant_booth",
            "fair_id",
            "booth",
            unique=True,
            sqlite_where=text("status = 'approved' AND booth <> ''"),
            postgresql_where=text("status = 'approved' AND booth <> ''"),
        ),
    )


class FairJobOrder(db.Model):
    """A job order offered at a fair (at its employer's booth)."""

    __tablename__ = "fair_job_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fair.id", ondelete="CASCADE"), index=True)
    job_order_id: Mapped[int] = mapped_column(ForeignKey("job_order.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    job_order: Mapped[JobOrder] = relationship()
    fair: Mapped[Fair] = relationship(viewonly=True)

    __table_args__ = (UniqueConstraint("fair_id", "job_order_id", name="uq_fair_job_order_fair_order"),)


class ShortlistEntry(db.Model):
    """One invitation: a worker shortlisted for one order of a fair, and how the village coordinator fared.

    ``pinned`` entries were fixed by staff (added, kept, or contacted) and survive regeneration.
    """

    __tablename__ = "fair_shortlist_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fair.id", ondelete="CASCADE"), index=True)
    job_order_id: Mapped[int] = mapped_column(ForeignKey("job_order.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    breakdown: Mapped[dict[str, float] | None] = mapped_column(JSON, default=dict)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    reached: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[str] = mapped_column(String(16), default="")
    contact_note: Mapped[str] = mapped_column(String(255), default="")
    contacted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    contacted_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    job_order: Mapped[JobOrder] = relationship()
    worker: Mapped[Worker] = relationship()
    fair: Mapped[Fair] = relationship(viewonly=True)

    __table_args__ = (
        UniqueConstraint("fair_id", "job_order_id", "worker_id", name="uq_fair_shortlist_entry_triple"),
    )


class FairLeftOut(db.Model):
    """A worker who fits an order of the fair but got no invitation, with the assignment's reason."""

    __tablename__ = "fair_left_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fair.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    job_order_id: Mapped[int] = mapped_column(ForeignKey("job_order.id"))  # their best-fitting order
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(255), default="")

    worker: Mapped[Worker] = relationship()

    __table_args__ = (UniqueConstraint("fair_id", "worker_id", name="uq_fair_left_out_fair_worker"),)


class FairCheckIn(db.Model):
    """A worker's arrival at a fair (invited or walk-in)."""

    __tablename__ = "fair_check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fair.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Why staff recorded it on another day than the fair's (empty on the fair's own date).
    off_day_reason: Mapped[str] = mapped_column(String(255), default="", server_default="")
    checked_in_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    worker: Mapped[Worker] = relationship()

    __table_args__ = (UniqueConstraint("fair_id", "worker_id", name="uq_fair_check_in_fair_worker"),)


class FairOutcome(db.Model):
    """What came of a worker at one booth (order): interviewed, offer, hired or declined."""

    __tablename__ = "fair_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fair.id", ondelete="CASCADE"), index=True)
    job_order_id: Mapped[int] = mapped_column(ForeignKey("job_order.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    off_day_reason: Mapped[str] = mapped_column(String(255), default="", server_default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    job_order: Mapped[JobOrder] = relationship()
    worker: Mapped[Worker] = relationship()

    __table_args__ = (
        UniqueConstraint("fair_id", "job_order_id", "worker_id", name="uq_fair_outcome_triple"),
    )


# --- cross-province labour cooperation ------------------------------------------------------------------


class CooperationAgreement(db.Model):
    """劳务协作协议: a partner region's posts offered over a period."""

    __tablename__ = "cooperation_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    partner_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    partner_name: Mapped[str] = mapped_column(String(128), default="")
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))  # our side: whose workers go
    placed_at: Mapped[datetime | None] = mapped_column(DateTime)  # last batch placement
    placement_method: Mapped[str] = mapped_column(String(16), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    partner_region: Mapped[Region] = relationship(foreign_keys=[partner_region_code])


class CooperationPost(db.Model):
    """A post offered under an agreement: a job order, with the spreadsheet row it came from."""

    __tablename__ = "cooperation_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation_agreement.id", ondelete="CASCADE"), index=True
    )
    job_order_id: Mapped[int] = mapped_column(ForeignKey("job_order.id"), unique=True)
    source_row: Mapped[int | None] = mapped_column(Integer)
    # The partner's own post number (合作方岗位编号): re-importing a file updates the post it names.
    partner_ref: Mapped[str | None] = mapped_column(String(64))

    job_order: Mapped[JobOrder] = relationship()
    agreement: Mapped[CooperationAgreement] = relationship(viewonly=True)

    __table_args__ = (Index("uq_cooperation_post_agreement_ref", "agreement_id", "partner_ref", unique=True),)


class CountyQuota(db.Model):
    """At most ``quota`` workers of one county are placed under an agreement."""

    __tablename__ = "cooperation_county_quota"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation_agreement.id", ondelete="CASCADE"), index=True
    )
    county_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    quota: Mapped[int] = mapped_column(Integer)

    agreement: Mapped[CooperationAgreement] = relationship(viewonly=True)

    __table_args__ = (
        UniqueConstraint("agreement_id", "county_code", name="uq_cooperation_county_quota_agreement_county"),
    )


class CooperationCandidate(db.Model):
    """A worker signed up for an agreement, and the order the latest batch placement planned for them."""

    __tablename__ = "cooperation_candidate"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation_agreement.id", ondelete="CASCADE"), index=True
    )
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    family_group: Mapped[str | None] = mapped_column(String(32), index=True)
    job_order_id: Mapped[int | None] = mapped_column(ForeignKey("job_order.id"))
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    unplaced_reason: Mapped[str] = mapped_column(String(255), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    worker: Mapped[Worker] = relationship()
    job_order: Mapped[JobOrder | None] = relationship()
    agreement: Mapped[CooperationAgreement] = relationship(viewonly=True)

    __table_args__ = (
        UniqueConstraint("agreement_id", "worker_id", name="uq_cooperation_candidate_agreement_worker"),
    )


class DispatchBatch(db.Model):
    """组织化输出: workers leaving together on one date for one destination."""

    __tablename__ = "dispatch_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation_agreement.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(128))
    departure_date: Mapped[date] = mapped_column(Date)
    destination: Mapped[str] = mapped_column(String(128))
    destination_region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    departed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by: Mapped[int | None] = mapped_column(Integer)  # user id (no FK: see migration 0008_doors)
    # The day the batch actually left (the departure date, or the day staff recorded).
    departed_on: Mapped[date | None] = mapped_column(Date)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancel_reason: Mapped[str] = mapped_column(String(255), default="", server_default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agreement: Mapped[CooperationAgreement] = relationship(viewonly=True)

    members: Mapped[list[DispatchMember]] = relationship(
        back_populates="batch", order_by="DispatchMember.id", cascade="all, delete-orphan"
    )


class DispatchMember(db.Model):
    """One worker of a dispatch batch, the post they go to, their placement and their arrival."""

    __tablename__ = "dispatch_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("dispatch_batch.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    job_order_id: Mapped[int] = mapped_column(ForeignKey("job_order.id"))
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"))
    # Why no placement was recorded for this member on departure (e.g. placed elsewhere meanwhile).
    not_placed_reason: Mapped[str] = mapped_column(String(255), default="", server_default="")
    arrived_on: Mapped[date | None] = mapped_column(Date)

    batch: Mapped[DispatchBatch] = relationship(back_populates="members")
    worker: Mapped[Worker] = relationship()
    job_order: Mapped[JobOrder] = relationship()

    __table_args__ = (UniqueConstraint("batch_id", "worker_id", name="uq_dispatch_member_batch_worker"),)
