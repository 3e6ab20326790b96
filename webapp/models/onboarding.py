"""Employer onboarding (企业入驻): registrations from the public site and changes that need re-approval.

An ``EmployerApplication`` of kind ``new`` is an employer registering itself (with the username and password
of its future account); of kind ``change`` an approved employer asking to change its name or USCC. Staff of
the region approve it (the employer and its account are written then) or return it with a reason.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models import Employer, Region, User, utcnow

__all__ = ["APPLICATION_KINDS", "APPLICATION_STATUSES", "EmployerApplication"]

APPLICATION_KINDS = ("new", "change")
APPLICATION_STATUSES = ("pending", "approved", "returned")


class EmployerApplication(db.Model):
    """企业入驻申请 / 变更申请, waiting for staff of ``region_code``."""

    __tablename__ = "employer_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="new")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    # The name reduced for duplicate detection (company-form suffixes, spaces and brackets dropped).
    name_key: Mapped[str] = mapped_column(String(128), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    industry: Mapped[str] = mapped_column(String(64), default="")
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    is_workshop: Mapped[bool] = mapped_column(Boolean, default=False)
    workshop_certificate: Mapped[str] = mapped_column(String(64), default="")
    # The future account of a new registration (its password only as a hash).
    username: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    review_note: Mapped[str] = mapped_column(String(255), default="")
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    employer: Mapped[Employer | None] = relationship()
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewed_by])
