"""The government pays (政府统一买单): training subsidy claims, their approval and payment against a budget line,
and the subsidy ledger.

A claim is made per finished course. A trainee qualifies under the occupation's standard in
``config/subsidies.toml``: completed the course, holds its certificate where required, and — where configured —
started work within N days after the course ended (a ``Placement`` whose start date lies in
[end date, end date + N]). The claim lists the qualifying trainees and the amount; staff whose region covers the
course's venue approve it or return it with a reason (the institution may then claim again); a paid claim is
booked against a budget line that can never go below zero (a guarded UPDATE, backed by a CHECK constraint).
Every step is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

import config
from webapp import policy
from webapp.errors import Conflict, NotFound, ValidationError
from webapp.i18n import N_
from webapp.models import Placement, utc_iso, utcnow
from webapp.models.training import (
    BudgetLine,
    Course,
    Enrolment,
    SubsidyClaim,
    SubsidyClaimLine,
)
from webapp.services import audit, reference, transaction
from webapp.services.scope import Actor, within
from webapp.services.training import (
    SEX_LABELS,
    Confirmation,
    Trainee,
    attendance_counts,
    check_manage,
    course_rules,
    get_course,
    trainee_view,
    workbook_bytes,
)
from webapp.services.validation import (
    Collector,
    mask_id_number,
    parse_int,
    parse_region,
    parse_text,
    reject_unknown,
)
from webapp.services.workers import Page

BUDGET_FIELDS = ("name", "year", "region_code", "total")
CLAIM_STATUS_LABELS = {"submitted": "待审核", "returned": "已退回", "approved": "已批准", "paid": "已支付"}


# --- standards ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standard:
    """The subsidy rule of one occupation (``occupation`` is None for the file's default)."""

    occupation: str | None
    yuan_per_trainee: int
    require_certificate: bool
    employed_within_days: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "occupation": self.occupation,
            "yuan_per_trainee": self.yuan_per_trainee,
            "require_certificate": self.require_certificate,
            "employed_within_days": self.employed_within_days,
        }

    def describe(self) -> str:
        parts = ["结业"]
        if self.require_certificate:
            parts.append("取得证书")
        if self.employed_within_days:
            parts.append(f"结业后{self.employed_within_days}天内就业")
        return f"{self.yuan_per_trainee}元/人（" + "、".join(parts) + "）"


@cache
def standards() -> tuple[dict[str, Standard], Standard | None]:
    """Occupation code → standard, and the default; the names in ``subsidies.toml`` must be in the taxonomy."""
    data = config.load_subsidies()
    tax = reference.taxonomy()
    by_code: dict[str, Standard] = {}
    for entry in data["standards"]:
        code = tax.resolve(entry["occupation"])
        if code is None or tax.name(code) != entry["occupation"]:
            raise ValueError(f"subsidies.toml: occupation {entry['occupation']!r} is not a taxonomy name")
        by_code[code] = Standard(
            code, entry["yuan_per_trainee"], entry["require_certificate"], entry["employed_within_days"]
        )
    default = data["default"]
    fallback = (
        Standard(
            None, default["yuan_per_trainee"], default["require_certificate"], default["employed_within_days"]
        )
        if default
        else None
    )
    return by_code, fallback


def standard_for(occupation_code: str) -> Standard | None:
    by_code, fallback = standards()
    return by_code.get(occupation_code, fallback)


# --- who qualifies -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraineeCheck:
    enrolment: Enrolment
    qualifies: bool
    amount: int
    reasons: tuple[str, ...]  # why not, when not
    employed_on: date | None


def assess(session: Session, course: Course) -> tuple[Standard | None, list[TraineeCheck]]:
    """Every trainee of the course against the occupation's standard."""
    standard = standard_for(course.occupation_code)
    enrolments = list(
        session.scalars(
            select(Enrolment)
            .where(Enrolment.course_id == course.id)
            .options(selectinload(Enrolment.worker))
            .order_by(Enrolment.id)
        )
    )
    starts: dict[int, list[date]] = {}
    if standard is not None and standard.employed_within_days and enrolments:
        last = course.end_date + timedelta(days=standard.employed_within_days)
        for worker_id, start in session.execute(
            select(Placement.worker_id, Placement.start_date).where(
                Placement.worker_id.in_([e.worker_id for e in enrolments]),
                Placement.start_date >= course.end_date,
                Placement.start_date <= last,
            )
        ):
            starts.setdefault(worker_id, []).append(start)
    present = attendance_counts(session, course)
    days = (course.end_date - course.start_date).days + 1
    threshold = course_rules()["attendance_threshold"]
    cap = cap_per_trainee(standard, course)
    out = []
    for e in enrolments:
        reasons = []
        if e.status != "completed" or e.completed_on is None:
            reasons.append("未结业")
        else:
            # results recorded before the course rules existed are held to them too
            if e.completed_on < course.end_date:
                reasons.append(f"结业日期早于课程结束日期（{course.end_date.isoformat()}）")
            if present.get(e.id, 0) < threshold * days:
                reasons.append(f"出勤{present.get(e.id, 0)}天/共{days}天，未达到结业要求")
        if standard is None:
            reasons.append("该工种未配置补贴标准")
        else:
            if standard.require_certificate and not e.certificate_number:
                reasons.append("未取得证书")
            if standard.employed_within_days and e.worker_id not in starts:
                reasons.append(f"结业后{standard.employed_within_days}天内未就业")
        if standard is not None and cap <= 0:
            reasons.append("课程未登记实际成本")
        employed = min(starts[e.worker_id]) if e.worker_id in starts else None
        ok = not reasons
        amount = cap if ok else 0
        out.append(TraineeCheck(e, ok, amount, tuple(reasons), employed))
    return standard, out


def cap_per_trainee(standard: Standard | None, course: Course) -> int:
    """The most a claim pays per trainee: the lower of the standard and the course's actual cost per trainee.

    >>> cap_per_trainee(Standard(None, 1500, True, 0), Course(cost=1200))
    1200
    """
    if standard is None:
        return 0
    return max(min(standard.yuan_per_trainee, course.cost or 0), 0)


def _check_cap(claim: SubsidyClaim) -> None:
    """A claim pays at most the cap per trainee, and its amount is the sum of its lines (claims recorded before
    the cap existed may exceed it: they are neither approved nor paid)."""
    standard_yuan = int(claim.rule.get("yuan_per_trainee", 0))
    cap = max(min(standard_yuan, claim.course.cost or 0), 0)
    over = [line for line in claim.lines if line.amount > cap]
    if (
        over
        or claim.amount != sum(line.amount for line in claim.lines)
        or claim.amount > cap * claim.trainees
    ):
        raise ValidationError(
            "补贴金额超过补贴标准或课程实际成本",
            fields={
                "amount": f"每人最多{cap}元（补贴标准{standard_yuan}元与课程实际成本{claim.course.cost}元中的"
                f"较低者），申请为{claim.amount}元；请退回培训机构重新申请"
            },
        )


# --- claims ---------------------------------------------------------------------------------------------------


def _claim_scope(stmt: Any, actor: Actor) -> Any:
    policy.require(actor, "list", SubsidyClaim)
    return stmt.where(policy.filter_for(actor, SubsidyClaim))


def get_claim(session: Session, actor: Actor, claim_id: int) -> SubsidyClaim:
    claim = session.scalar(
        _claim_scope(select(SubsidyClaim).join(Course, Course.id == SubsidyClaim.course_id), actor).where(
            SubsidyClaim.id == claim_id
        )
    )
    if claim is None:
        raise NotFound()
    return claim


def list_claims(
    session: Session, actor: Actor, *, status: str | None = None, page: int = 1, per_page: int = 50
) -> Page:
    stmt = _claim_scope(select(SubsidyClaim).join(Course, Course.id == SubsidyClaim.course_id), actor)
    if status:
        stmt = stmt.where(SubsidyClaim.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(SubsidyClaim.submitted_at.desc(), SubsidyClaim.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page)


def claim_for_course(session: Session, course_id: int) -> SubsidyClaim | None:
    return session.scalar(select(SubsidyClaim).where(SubsidyClaim.course_id == course_id))


def submit_claim(session: Session, actor: Actor, course_id: int) -> SubsidyClaim:
    """The institution claims for a finished course: qualifying trainees and the amount, computed now. A
    returned claim is submitted again the same way (recomputed)."""
    course = get_course(session, actor, course_id)
    check_manage(actor, course, "claim")
    if course.status != "finished":
        raise ValidationError("课程结业后才能申请补贴", fields={"course_id": "课程尚未结业"})
    standard, checks = assess(session, course)
    if standard is None:
        raise ValidationError(
            "该工种未配置培训补贴标准", fields={"course_id": "请在 config/subsidies.toml 中配置"}
        )
    if cap_per_trainee(standard, course) <= 0:
        raise ValidationError(
            "课程未登记实际成本，不能申请补贴",
            fields={"course_id": "补贴不超过课程实际成本：请先登记培训成本（元/人）"},
        )
    qualifying = [c for c in checks if c.qualifies]
    if not qualifying:
        raise ValidationError("没有符合补贴条件的学员", fields={"course_id": "符合条件的学员为0人"})
    with transaction(session):
        claim = claim_for_course(session, course.id)
        if claim is not None and claim.status != "returned":
            raise Conflict(
                "该课程已申请补贴", fields={"course_id": "已申请，状态：" + CLAIM_STATUS_LABELS[claim.status]}
            )
        if claim is None:
            claim = SubsidyClaim(course_id=course.id)
            session.add(claim)
        claim.lines = [
            SubsidyClaimLine(enrolment_id=c.enrolment.id, worker_id=c.enrolment.worker_id, amount=c.amount)
            for c in qualifying
        ]
        claim.status = "submitted"
        claim.trainees = len(qualifying)
        claim.amount = sum(c.amount for c in qualifying)
        claim.rule = {**standard.as_dict(), "cap_per_trainee": cap_per_trainee(standard, course)}
        claim.return_reason = ""
        claim.submitted_by = actor.user_id
        claim.submitted_at = utcnow()
        claim.decided_by = None
        claim.decided_at = None
        session.flush()
        audit.record(
            session,
            actor,
            "submit",
            "subsidy_claim",
            claim.id,
            course_id=course.id,
            amount=claim.amount,
            trainees=claim.trainees,
        )
    return claim


def check_decide(actor: Actor, claim: SubsidyClaim, action: str = "approve") -> None:
    policy.require(actor, action, claim)


def may_decide(actor: Actor, claim: SubsidyClaim) -> bool:
    return policy.can(actor, "approve", claim)


def _plan_approve(session: Session, actor: Actor, claim_id: int) -> SubsidyClaim:
    claim = get_claim(session, actor, claim_id)
    check_decide(actor, claim)
    if claim.status != "submitted":
        raise Conflict("只有待审核的申请可以批准")
    _check_cap(claim)
    return claim


def approve_preview(session: Session, actor: Actor, claim_id: int) -> Confirmation:
    """What :func:`approve_claim` would do (the same checks; nothing is written)."""
    claim = _plan_approve(session, actor, claim_id)
    return Confirmation(
        (N_("确认批准补贴申请"), {}),
        [
            *_claim_lines(claim),
            (N_("批准后须由另一名工作人员从预算科目支付（四眼原则：批准人不能支付）"), {}),
            (N_("批准不可撤销：支付前只能退回培训机构"), {}),
        ],
    )


def _claim_lines(claim: SubsidyClaim) -> list[tuple[str, dict[str, Any]]]:
    course = claim.course
    return [
        (
            N_("申请 #%(id)s：%(provider)s · %(title)s（结业日期 %(end)s）"),
            {
                "id": claim.id,
                "provider": course.provider.name,
                "title": course.title,
                "end": course.end_date.isoformat(),
            },
        ),
        (N_("符合条件的学员%(n)s人，金额%(amount)s元"), {"n": claim.trainees, "amount": claim.amount}),
        (
            N_("每人不超过%(cap)s元：补贴标准%(standard)s元与课程实际成本%(cost)s元中的较低者"),
            {
                "cap": max(min(int(claim.rule.get("yuan_per_trainee", 0)), course.cost), 0),
                "standard": int(claim.rule.get("yuan_per_trainee", 0)),
                "cost": course.cost,
            },
        ),
    ]


def approve_claim(session: Session, actor: Actor, claim_id: int) -> SubsidyClaim:
    """Approve a submitted claim within the cap; audited. Whoever approves may not also pay (four-eyes)."""
    claim = _plan_approve(session, actor, claim_id)
    with transaction(session):
        taken = session.execute(
            update(SubsidyClaim)
            .where(SubsidyClaim.id == claim.id, SubsidyClaim.status == "submitted")
            .values(status="approved", decided_by=actor.user_id, decided_at=utcnow())
        ).rowcount
        if not taken:
            raise Conflict("只有待审核的申请可以批准")
        audit.record(session, actor, "approve", "subsidy_claim", claim.id, amount=claim.amount)
    session.refresh(claim)
    return claim


def return_claim(session: Session, actor: Actor, claim_id: int, reason: Any) -> SubsidyClaim:
    """Send a submitted or approved (not yet paid) claim back to the institution with a reason."""
    claim = get_claim(session, actor, claim_id)
    check_decide(actor, claim, "return")
    c = Collector()
    text = c.field("reason", parse_text, reason, max_len=255, label="退回原因")
    c.done("请填写退回原因")
    with transaction(session):
        taken = session.execute(
            update(SubsidyClaim)
            .where(SubsidyClaim.id == claim.id, SubsidyClaim.status.in_(("submitted", "approved")))
            .values(status="returned", return_reason=text, decided_by=actor.user_id, decided_at=utcnow())
        ).rowcount
        if not taken:
            raise Conflict("只有待审核或已批准（未支付）的申请可以退回")
        audit.record(session, actor, "return", "subsidy_claim", claim.id, reason=text)
    session.refresh(claim)
    return claim


def _plan_pay(
    session: Session, actor: Actor, claim_id: int, budget_line_id: Any
) -> tuple[SubsidyClaim, BudgetLine]:
    claim = get_claim(session, actor, claim_id)
    check_decide(actor, claim, "pay")
    if claim.status != "approved":
        raise Conflict("只有已批准的申请可以支付")
    if claim.decided_by is not None and claim.decided_by == actor.user_id:
        raise Conflict(
            "四眼原则：批准和支付须由两名不同的工作人员办理；您批准了该申请，请由另一名工作人员支付",
            fields={"paid_by": "批准人不能支付"},
        )
    _check_cap(claim)
    c = Collector()
    line_id = c.field(
        "budget_line_id", parse_int, budget_line_id, required=True, minimum=1, maximum=2_147_483_647
    )
    c.done("请选择预算科目")
    line = session.get(BudgetLine, line_id)
    if line is None or not policy.can(actor, "spend", line):
        raise ValidationError(
            "预算科目不存在", fields={"budget_line_id": "预算科目不存在或不在您的管辖范围内"}
        )
    if not within(claim.course.region_code, line.region_code):
        raise ValidationError(
            "该预算科目不覆盖课程所在地", fields={"budget_line_id": "预算科目的地区不包含培训场所所在地"}
        )
    if line.remaining < claim.amount:
        raise Conflict(
            "预算余额不足", fields={"budget_line_id": f"余额{line.remaining}元，本次需支付{claim.amount}元"}
        )
    return claim, line


def pay_preview(session: Session, actor: Actor, claim_id: int, budget_line_id: Any) -> Confirmation:
    """What :func:`pay_claim` would do (the same checks; nothing is written)."""
    claim, line = _plan_pay(session, actor, claim_id, budget_line_id)
    return Confirmation(
        (N_("确认支付补贴"), {}),
        [
            *_claim_lines(claim),
            (
                N_("从预算科目“%(line)s”支付%(amount)s元：余额%(before)s元 → %(after)s元"),
                {
                    "line": f"{line.year} {line.name}",
                    "amount": claim.amount,
                    "before": line.remaining,
                    "after": line.remaining - claim.amount,
                },
            ),
            (N_("支付不可撤销"), {}),
        ],
    )


def pay_claim(session: Session, actor: Actor, claim_id: int, budget_line_id: Any) -> SubsidyClaim:
    """Pay an approved claim from a budget line covering the course's place, by someone other than the approver
    (four-eyes), within the cap. The line's balance is taken in one guarded UPDATE (``spent + amount <=
    total``): two payments at once can never overdraw it. Audited."""
    claim, line = _plan_pay(session, actor, claim_id, budget_line_id)
    with transaction(session):
        moved = session.execute(
            update(SubsidyClaim)
            .where(SubsidyClaim.id == claim.id, SubsidyClaim.status == "approved")
            .values(status="paid", budget_line_id=line.id, paid_by=actor.user_id, paid_at=utcnow())
        ).rowcount
        if not moved:
            raise Conflict("只有已批准的申请可以支付")
        booked = session.execute(
            update(BudgetLine)
            .where(BudgetLine.id == line.id, BudgetLine.spent + claim.amount <= BudgetLine.total)
            .values(spent=BudgetLine.spent + claim.amount)
        ).rowcount
        if not booked:
            session.refresh(line)
            raise Conflict(
                "预算余额不足",
                fields={"budget_line_id": f"余额{line.remaining}元，本次需支付{claim.amount}元"},
            )
        audit.record(
            session, actor, "pay", "subsidy_claim", claim.id, amount=claim.amount, budget_line_id=line.id
        )
    session.refresh(claim)
    session.refresh(line)
    return claim


def claim_to_dict(claim: SubsidyClaim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "course_id": claim.course_id,
        "course_title": claim.course.title,
        "provider_name": claim.course.provider.name,
        "occupation": claim.course.occupation_code,
        "occupation_name": reference.occupation_name(claim.course.occupation_code),
        "status": claim.status,
        "trainees": claim.trainees,
        "amount": claim.amount,
        "yuan_per_trainee": int(claim.rule.get("yuan_per_trainee", 0)),
        "require_certificate": bool(claim.rule.get("require_certificate", False)),
        "employed_within_days": int(claim.rule.get("employed_within_days", 0)),
        "budget_line_id": claim.budget_line_id,
        "return_reason": claim.return_reason,
        "submitted_at": utc_iso(claim.submitted_at),
        "decided_at": utc_iso(claim.decided_at),
        "paid_at": utc_iso(claim.paid_at),
        "worker_ids": [line.worker_id for line in claim.lines],
    }


# --- budget lines ---------------------------------------------------------------------------------------------


def create_budget_line(session: Session, actor: Actor, data: Mapping[str, Any]) -> BudgetLine:
    policy.require(actor, "create", BudgetLine)
    reject_unknown(data, BUDGET_FIELDS)
    c = Collector()
    name = c.field("name", parse_text, data.get("name"), max_len=128, label="预算科目名称")
    year = c.field("year", parse_int, data.get("year"), required=True, minimum=2000, maximum=2100)
    region = c.field("region_code", parse_region, data.get("region_code"))
    total = c.field("total", parse_int, data.get("total"), required=True, minimum=1, maximum=2_000_000_000)
    c.done()
    if not policy.can(actor, "create", BudgetLine(region_code=region)):
        raise ValidationError("该地区不在您的管辖范围内", fields=policy.OUT_OF_REGION)
    with transaction(session):
        line = BudgetLine(
            name=name, year=year, region_code=region, total=total, spent=0, created_by=actor.user_id
        )
        session.add(line)
        session.flush()
        audit.record(session, actor, "create", "budget_line", line.id, total=total)
    return line


def list_budget_lines(session: Session, actor: Actor) -> list[BudgetLine]:
    policy.require(actor, "list", BudgetLine)
    stmt = policy.scoped(actor, select(BudgetLine), BudgetLine)
    return list(session.scalars(stmt.order_by(BudgetLine.year.desc(), BudgetLine.id)))


def budget_options(session: Session, actor: Actor, claim: SubsidyClaim) -> list[BudgetLine]:
    """The lines this actor could pay the claim from: covering the course's place, with enough left."""
    return [
        line
        for line in list_budget_lines(session, actor)
        if within(claim.course.region_code, line.region_code) and line.remaining >= claim.amount
    ]


# --- the subsidy ledger -------------------------------------------------------------------------------------------

#: 补贴台账 — the city-wide format of the subsidy ledger, one row per trainee claimed for.
SUBSIDY_LEDGER_COLUMNS = (
    "序号",
    "申请编号",
    "培训机构",
    "课程编号",
    "课程名称",
    "培训工种",
    "结业日期",
    "姓名",
    "性别",
    "身份证号码",
    "证书编号",
    "补贴标准（元/人）",
    "补贴金额（元）",
    "申请状态",
    "申请日期",
    "审核日期",
    "预算科目",
    "支付日期",
)


def subsidy_ledger(session: Session, actor: Actor, *, ip: str = "") -> bytes:
    """The subsidy ledger as .xlsx: every trainee line of the claims the actor may see; full ID numbers only for
    the rows the actor may see in full. The export is audited."""
    stmt = _claim_scope(select(SubsidyClaim).join(Course, Course.id == SubsidyClaim.course_id), actor)
    claims = list(session.scalars(stmt.order_by(SubsidyClaim.id)))
    out = []
    full = 0
    n = 0
    for claim in claims:
        course = claim.course
        for line in claim.lines:
            n += 1
            worker = line.worker
            see = policy.sees(actor, "id_number", worker)
            full += see
            out.append(
                (
                    n,
                    claim.id,
                    course.provider.name,
                    course.id,
                    course.title,
                    reference.occupation_name(course.occupation_code),
                    course.end_date.isoformat(),
                    worker.name,
                    SEX_LABELS.get(worker.sex, ""),
                    worker.id_number if see else mask_id_number(worker.id_number),
                    line.enrolment.certificate_number or "",
                    int(claim.rule.get("yuan_per_trainee", 0)),
                    line.amount,
                    CLAIM_STATUS_LABELS.get(claim.status, claim.status),
                    claim.submitted_at.date().isoformat(),
                    claim.decided_at.date().isoformat() if claim.decided_at else "",
                    claim.budget_line.name if claim.budget_line else "",
                    claim.paid_at.date().isoformat() if claim.paid_at else "",
                )
            )
    data = workbook_bytes("补贴台账", SUBSIDY_LEDGER_COLUMNS, out)
    with transaction(session):
        audit.record(session, actor, "export", "subsidy_ledger", "", ip=ip, rows=len(out), full_ids=full)
    return data


# --- what the pages show ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimPreview:
    course: Course
    standard: Standard | None
    checks: list[TraineeCheck]
    claim: SubsidyClaim | None

    @property
    def amount(self) -> int:
        return sum(c.amount for c in self.checks)


def claim_preview(session: Session, actor: Actor, course_id: int) -> ClaimPreview:
    """Who would qualify if the institution claimed now, and the amount."""
    course = get_course(session, actor, course_id)
    check_manage(actor, course, "claim")
    standard, checks = assess(session, course)
    return ClaimPreview(course, standard, checks, claim_for_course(session, course.id))


@dataclass(frozen=True)
class ClaimOverview:
    claim: SubsidyClaim
    rows: list[tuple[SubsidyClaimLine, Trainee]]
    may_decide: bool
    budget_lines: list[BudgetLine]


def claim_overview(
    session: Session, actor: Actor, claim_id: int, *, today: date | None = None
) -> ClaimOverview:
    claim = get_claim(session, actor, claim_id)
    today = today or date.today()
    rows = [(line, trainee_view(line.worker, today)) for line in claim.lines]
    if not may_decide(actor, claim):
        return ClaimOverview(claim, rows, False, [])
    options = budget_options(session, actor, claim) if claim.status == "approved" else []
    return ClaimOverview(claim, rows, True, options)
