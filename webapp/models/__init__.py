"""The database tables (SQLAlchemy 2.0 declarative models).

Every change here needs a migration in ``migrations/versions`` (``liudan db migrate -m ...``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, has_app_context
from flask_login import UserMixin
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
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def utc_iso(value: datetime | None) -> str | None:
    """A stored (naive, UTC) time as RFC 3339, as the API documents ``date-time``: ``2026-12-02T13:33:22Z``."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


ROLES = ("admin", "staff", "employer", "trainer")
JOB_ORDER_STATUSES = ("open", "filled", "closed", "expired")
#: Before approval (待审核) and returned to the employer with a reason (已退回): neither is on the board,
#: in matching, fairs or cooperation, which all go by ``status == "open"``.
JOB_ORDER_REVIEW_STATUSES = ("pending", "returned")
MATCH_STATES = ("proposed", "invited", "attended", "interviewed", "offered", "hired", "declined")
EDUCATION_LEVELS = ("none", "primary", "junior", "senior", "vocational", "college", "bachelor")


class Region(db.Model):
    """A node of the GB/T 2260 region tree: province › city › county › township › village."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128), default="")

    parent: Mapped[Region | None] = relationship(remote_side=[code])


class Employer(db.Model):
    """用工企业: a company, workshop or partner-province factory that places job orders."""

    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    is_workshop: Mapped[bool] = mapped_column(Boolean, default=False)
    is_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    industry: Mapped[str] = mapped_column(String(64), default="")
    workshop_certificate: Mapped[str] = mapped_column(String(64), default="")  # 扶贫车间认定编号
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    job_orders: Mapped[list[JobOrder]] = relationship(back_populates="employer")
    accounts: Mapped[list[User]] = relationship(viewonly=True)  # its employer logins


class User(UserMixin, db.Model):
    """A person who logs in: bureau staff (scoped to a region), an employer, a trainer or an admin."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on logout-everywhere, password change and disabling: older sessions and tokens stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # An initial password someone else chose (coordinator accounts, an administrator's reset): pages and API
    # refuse until it is changed.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    region: Mapped[Region | None] = relationship()
    employer: Mapped[Employer | None] = relationship()
    # A trainer account manages one training institution (``TrainingProvider.user_id``).
    training_provider: Mapped[TrainingProvider | None] = relationship(  # noqa: F405
        "TrainingProvider", back_populates="user", uselist=False
    )

    def set_password(self, password: str) -> None:
        # Tests lower the work factor through PASSWORD_HASH_METHOD; production keeps werkzeug's default.
        method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
        self.password_hash = (
            generate_password_hash(password, method=method) if method else generate_password_hash(password)
        )

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class JobOrder(db.Model):
    """企业下单: an employer's demand for workers of one occupation."""

    __tablename__ = "job_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    title: Mapped[str] = mapped_column(String(128))
    # a taxonomy code, or the occupation as typed when it is not in the catalogue yet (待归类)
    occupation_code: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificates_required: Mapped[list[str]] = mapped_column(JSON, default=list)
    headcount: Mapped[int] = mapped_column(Integer)
    filled: Mapped[int] = mapped_column(Integer, default=0)
    wage_min: Mapped[int | None] = mapped_column(Integer)
    wage_max: Mapped[int | None] = mapped_column(Integer)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    housing: Mapped[bool] = mapped_column(Boolean, default=False)
    board: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    route: Mapped[str] = mapped_column(String(32), default="local_enterprise")
    # Why staff chose another route than the employer's default (a workshop's order not on 扶贫车间).
    route_reason: Mapped[str] = mapped_column(String(255), default="", server_default="")
    public_welfare: Mapped[bool] = mapped_column(Boolean, default=False)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)  # hidden from the public board
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # When its stored matches were last computed; older than updated_at means "changed since".
    ranked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The review of an employer-posted order (待审核 → approved or returned with a reason).
    review_note: Mapped[str] = mapped_column(String(255), default="")
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)

    employer: Mapped[Employer] = relationship(back_populates="job_orders")
    region: Mapped[Region] = relationship()


class Worker(db.Model):
    """群众点单: a registered worker's profile, skills and wishes."""

    __tablename__ = "worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    phone: Mapped[str] = mapped_column(String(11), default="", index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    education: Mapped[str] = mapped_column(String(16), default="junior")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificates: Mapped[list[str]] = mapped_column(JSON, default=list)
    desired_occupations: Mapped[list[str]] = mapped_column(JSON, default=list)
    desired_training: Mapped[list[str]] = mapped_column(JSON, default=list)
    completed_training: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"occupation": "焊工", "years": 5}, …]: practised occupations (experience, unlike completed training)
    experience_years: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=list)
    mobility: Mapped[str] = mapped_column(String(10), default="county")
    expected_wage: Mapped[int | None] = mapped_column(Integer)
    available_from: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="seeking", index=True)
    poverty_registered: Mapped[bool] = mapped_column(Boolean, default=False)
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_to_share: Mapped[bool] = mapped_column(Boolean, default=False)
    # 就业困难人员: the sub-type key from config/eligibility.toml, "" when the worker is not one.
    hard_to_employ: Mapped[str] = mapped_column(String(32), default="", server_default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    ranked_at: Mapped[datetime | None] = mapped_column(DateTime)

    region: Mapped[Region] = relationship()


class Match(db.Model):
    """A ranked (job order, worker) pair and where it stands in the hiring flow."""

    __tablename__ = "match"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_order_id: Mapped[int] = mapped_column(ForeignKey("job_order.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    breakdown: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    job_order: Mapped[JobOrder] = relationship()
    worker: Mapped[Worker] = relationship()

    __table_args__ = (UniqueConstraint("job_order_id", "worker_id", name="uq_match_order_worker"),)


PLACEMENT_SOURCES = ("direct", "fair", "cooperation", "course", "import")
PLACEMENT_STATUSES = ("active", "left")


class Placement(db.Model):
    """服务部门填单: who started where, by which employment route, at what wage."""

    __tablename__ = "placement"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    job_order_id: Mapped[int | None] = mapped_column(ForeignKey("job_order.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    employer_name: Mapped[str] = mapped_column(String(128), default="")  # also for self-employment
    route: Mapped[str] = mapped_column(String(32))
    route_reason: Mapped[str] = mapped_column(String(255), default="", server_default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)  # place of work
    wage: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(String(255), default="")
    source: Mapped[str] = mapped_column(String(16), default="direct")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    worker: Mapped[Worker] = relationship()
    job_order: Mapped[JobOrder | None] = relationship()
    employer: Mapped[Employer | None] = relationship()

    # One active placement per worker, enforced by the database so that concurrent clerks cannot both win.
    __table_args__ = (
        Index(
            "uq_placement_active_worker",
            "worker_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )


class SchedulerRun(db.Model):
    """One tick of a scheduled job; (job, scheduled_for) is unique so a second scheduler cannot run it twice."""

    __tablename__ = "scheduler_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    scheduled_for: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    # "host:pid" of the scheduler running it: a run whose process died is recognised and retried.
    owner: Mapped[str] = mapped_column(String(128), default="")

    __table_args__ = (UniqueConstraint("job", "scheduled_for", name="uq_scheduler_run_job_tick"),)


class AuditLog(db.Model):
    """Append-only record of who read or changed personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")


# Feature tables live in their own modules (webapp/models/<feature>.py); importing them here registers them
# on the metadata so that migrations and tests see every table.
from webapp.models.fairs import *  # noqa: E402,F401,F403
from webapp.models.followups import *  # noqa: E402,F401,F403
from webapp.models.households import *  # noqa: E402,F401,F403
from webapp.models.onboarding import *  # noqa: E402,F401,F403
from webapp.models.security import *  # noqa: E402,F401,F403
from webapp.models.training import *  # noqa: E402,F401,F403
