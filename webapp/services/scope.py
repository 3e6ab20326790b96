"""Who may see what: one region-and-role scoping helper that every query goes through.

Staff are scoped to a region and see the workers registered at or below it; employers see their own
job orders and the (masked, consent-gated) candidates on them; trainers see training data; admins see all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, true

from webapp.errors import Forbidden, NotFound
from webapp.models import Employer, JobOrder, User, Worker


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


def within(code: str | None, ancestor: str) -> bool:
    return bool(code) and str(code).startswith(region_prefix(ancestor))


@dataclass(frozen=True)
class Actor:
    """The person a service acts for, as plain values."""

    user_id: int | None
    role: str
    region_code: str | None = None
    employer_id: int | None = None
    username: str = ""

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.role, user.region_code, user.employer_id, user.username)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_staff(self) -> bool:
        return self.role in ("admin", "staff")

    def sees_region(self, code: str | None) -> bool:
        if self.is_admin:
            return True
        if self.role != "staff" or not self.region_code:
            return False
        return within(code, self.region_code)

    # --- workers ---------------------------------------------------------------------------------------
    def worker_filter(self) -> ColumnElement[bool]:
        """A WHERE clause limiting ``Worker`` rows to those this actor may list."""
        if self.is_admin:
            return true()
        if self.role == "staff" and self.region_code:
            return Worker.region_code.startswith(region_prefix(self.region_code))
        return false()

    def scope_workers(self, stmt: Select) -> Select:  # type: ignore[type-arg]
        return stmt.where(self.worker_filter())

    def check_worker(self, worker: Worker | None) -> Worker:
        """The worker if this actor may read it; otherwise 404, so that IDs in other regions are not revealed."""
        if worker is None or not (self.is_admin or self.sees_region(worker.region_code)):
            raise NotFound()
        return worker

    def ranking_scope(self) -> tuple[str, bool]:
        """``(region code prefix, consenting only)`` of the workers ranked for this actor ('' = every region).

        Staff are offered the workers of their region, employers consenting workers only, admins everyone;
        anyone else is refused.
        """
        if self.is_admin:
            return "", False
        if self.role == "staff":
            return region_prefix(self.region_code or "-"), False
        if self.role == "employer":
            return "", True
        raise Forbidden("您无权查看匹配结果")

    def may_see_full_personal_data(self, worker: Worker) -> bool:
        """Full ID number and phone: admins, and staff whose region covers the worker."""
        return self.is_admin or (self.role == "staff" and self.sees_region(worker.region_code))

    # --- job orders ------------------------------------------------------------------------------------
    def job_order_filter(self) -> ColumnElement[bool]:
        if self.role == "employer":
            return JobOrder.employer_id == (self.employer_id or -1)
        if self.role in ("admin", "staff", "trainer"):
            return true()
        return false()

    def check_job_order(self, order: JobOrder | None) -> JobOrder:
        if order is None:
            raise NotFound()
        if self.role == "employer" and order.employer_id != self.employer_id:
            raise NotFound()
        if self.role not in ("admin", "staff", "employer", "trainer"):
            raise NotFound()
        return order

    def check_edit_job_order(self, order: JobOrder) -> None:
        if self.role == "employer" and order.employer_id == self.employer_id:
            return
        if self.is_staff:
            return
        raise Forbidden("只有发布企业或人社部门工作人员可以修改该岗位")

    def require_job_order_poster(self) -> None:
        if not (self.is_staff or self.role == "employer"):
            raise Forbidden("只有企业或人社部门工作人员可以发布岗位")

    def require_staff(self) -> None:
        if not self.is_staff:
            raise Forbidden("仅限人社部门工作人员")

    def check_employer(self, employer: Employer | None) -> Employer:
        """The employer if this actor may read it (an employer account: only its own); otherwise 404."""
        if employer is None or self.role not in ("admin", "staff", "employer", "trainer"):
            raise NotFound()
        if self.role == "employer" and employer.id != self.employer_id:
            raise NotFound()
        return employer

    def employer_filter(self) -> ColumnElement[bool]:
        if self.role == "employer":
            return Employer.id == (self.employer_id or -1)
        if self.role in ("admin", "staff", "trainer"):
            return true()
        return false()

    # --- accounts and personal-data governance (issue 12: the lead moves these into the policy registry) ---
    def may_manage_tokens_of(self, user_id: int | None) -> bool:
        """List and revoke the API tokens of ``user_id``: one's own only."""
        return self.user_id is not None and self.user_id == user_id

    def may_read_audit_log(self) -> bool:
        """Read and export the audit log: admins and staff of a city (or province) bureau."""
        return self.is_admin or (
            self.role == "staff"
            and bool(self.region_code)
            and region_level(self.region_code or "") in ("city", "province")
        )

    def may_request_erasure(self, worker: Worker) -> bool:
        """Ask for a worker's personal data to be erased: staff whose region covers the worker, admins."""
        return self.is_admin or (self.role == "staff" and self.sees_region(worker.region_code))

    def may_request_purge(self) -> bool:
        """Ask for the retention purge (it touches every region): admins."""
        return self.is_admin

    def may_decide_privacy_requests(self) -> bool:
        """Approve or reject erasure and purge requests (and so see all of them): admins."""
        return self.is_admin

    def may_approve_privacy_request(self, requested_by: int | None) -> bool:
        """Approve or reject one request: someone who may decide, other than the person who asked for it."""
        return (
            self.may_decide_privacy_requests() and self.user_id is not None and self.user_id != requested_by
        )

    def may_see_privacy_requests(self) -> bool:
        """The list of privacy requests: whoever may ask for an erasure or approve one."""
        return self.is_staff
