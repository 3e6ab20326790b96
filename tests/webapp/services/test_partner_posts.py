"""Partner posts: the import is idempotent (keyed by the partner's post number, else employer + title + place),
reports new / changed / unchanged; the template's example validates; arrival dates lie in the agreement's
period; the agreement's posts are paged and filtered; contact phones take landlines as well as mobiles."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.webapp.services.test_cooperation import CITY, agreement, post_row, xlsx
from webapp.errors import ValidationError
from webapp.models import CooperationAgreement, CooperationPost, Employer, JobOrder
from webapp.services import cooperation, employers
from webapp.services.cooperation import ImportRejected
from webapp.services.validation import FieldError, parse_contact_phone


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_second_upload_writes_nothing_twice(db_session: Session) -> None:
    ag = agreement(db_session)
    rows = [post_row(i) for i in range(80)]
    first = cooperation.import_posts(db_session, CITY, ag.id, xlsx(rows))
    assert (first.new, first.changed, first.unchanged) == (80, 0, 0)
    places = db_session.scalar(select(func.sum(JobOrder.headcount)))
    second = cooperation.import_posts(db_session, CITY, ag.id, xlsx(rows))
    assert (second.new, second.changed, second.unchanged) == (0, 0, 80)
    assert count(db_session, CooperationPost) == 80 and count(db_session, JobOrder) == 80
    assert db_session.scalar(select(func.sum(JobOrder.headcount))) == places


def test_changed_rows_update_their_post_and_new_ones_are_added(db_session: Session) -> None:
    ag = agreement(db_session)
    cooperation.import_posts(db_session, CITY, ag.id, xlsx([post_row(i) for i in range(3)]))
    rows = [post_row(0), post_row(1, 招聘人数=9), post_row(2), post_row(3)]
    preview = cooperation.import_posts(db_session, CITY, ag.id, xlsx(rows), preview=True)
    assert (preview.new, preview.changed, preview.unchanged, preview.preview) == (1, 1, 2, True)
    assert count(db_session, JobOrder) == 3  # a preview writes nothing
    result = cooperation.import_posts(db_session, CITY, ag.id, xlsx(rows))
    assert (result.new, result.changed, result.unchanged) == (1, 1, 2)
    assert db_session.scalar(select(JobOrder.headcount).where(JobOrder.title == "装配工1")) == 9
    assert count(db_session, JobOrder) == 4


def test_the_partners_post_number_is_the_key_when_given(db_session: Session) -> None:
    ag = agreement(db_session)
    cooperation.import_posts(db_session, CITY, ag.id, xlsx([post_row(1, 合作方岗位编号="P-001")]))
    renamed = post_row(1, 合作方岗位编号="P-001", 岗位名称="电子装配工（夜班）")
    result = cooperation.import_posts(db_session, CITY, ag.id, xlsx([renamed]))
    assert (result.new, result.changed) == (0, 1)
    assert db_session.scalars(select(JobOrder.title)).all() == ["电子装配工（夜班）"]
    with pytest.raises(ImportRejected) as err:
        cooperation.import_posts(
            db_session, CITY, ag.id, xlsx([renamed, post_row(2, 合作方岗位编号="P-001")])
        )
    assert "第2行是同一岗位" in err.value.errors[0].reason


def test_the_templates_example_row_validates(db_session: Session) -> None:
    ag = agreement(db_session)
    content = cooperation.template_xlsx(ag)
    result = cooperation.import_posts(db_session, CITY, ag.id, content, preview=True)
    assert (result.new, result.changed, result.unchanged) == (1, 0, 0)
    assert count(db_session, JobOrder) == 0 and count(db_session, Employer) == 0


@pytest.mark.parametrize(
    ("arrival", "reason"),
    [
        (date.today() - timedelta(days=10), "不能早于协议开始日期"),
        (date.today() + timedelta(days=400), "不能晚于协议结束日期"),
    ],
)
def test_arrival_dates_outside_the_agreement_are_refused(
    db_session: Session, arrival: date, reason: str
) -> None:
    ag = agreement(db_session)
    with pytest.raises(ImportRejected) as err:
        cooperation.import_posts(db_session, CITY, ag.id, xlsx([post_row(0), post_row(1, 到岗日期=arrival)]))
    assert [(e.row, e.header) for e in err.value.errors] == [(3, "到岗日期")]
    assert reason in err.value.errors[0].reason
    assert count(db_session, JobOrder) == 0


def test_a_headcount_below_those_placed_refuses_the_file(db_session: Session) -> None:
    ag = agreement(db_session)
    cooperation.import_posts(db_session, CITY, ag.id, xlsx([post_row(0)]))
    order = db_session.scalar(select(JobOrder))
    order.filled = 3
    db_session.commit()
    with pytest.raises(ImportRejected) as err:
        cooperation.import_posts(db_session, CITY, ag.id, xlsx([post_row(0, 招聘人数=2)]))
    assert "已录用人数（3）" in err.value.errors[0].reason
    assert db_session.get(JobOrder, order.id).headcount == 5


def test_the_agreement_page_is_paged_and_filtered(db_session: Session) -> None:
    ag = agreement(db_session)
    rows = [post_row(i) for i in range(120)] + [post_row(500, 岗位名称="叉车司机", 工作地点代码="320583")]
    cooperation.import_posts(db_session, CITY, ag.id, xlsx(rows))
    page = cooperation.post_page(db_session, CITY, ag.id, page=3, per_page=50)
    assert (page.total, len(page.items), page.pages) == (121, 21, 3)
    assert [o.title for o in cooperation.post_page(db_session, CITY, ag.id, q="叉车").items] == ["叉车司机"]
    assert cooperation.post_page(db_session, CITY, ag.id, region_code="320583").total == 1
    assert cooperation.post_page(db_session, CITY, ag.id, status="filled").total == 0
    with pytest.raises(ValidationError):
        cooperation.post_page(db_session, CITY, ag.id, status="nonsense")


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0512-68001234", "0512-68001234"),
        ("0512 68001234", "0512-68001234"),
        ("（0512）68001234转801", "0512-68001234-801"),
        ("010-12345678-8001", "010-12345678-8001"),
        ("13912345678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
    ],
)
def test_contact_phones_take_landlines_and_mobiles(raw: str, stored: str) -> None:
    assert parse_contact_phone(raw) == stored


@pytest.mark.parametrize("raw", ["0512-1234", "12345678", "021-6800123", "电话", "0512-68001234-1234567"])
def test_malformed_contact_phones_are_refused(raw: str) -> None:
    with pytest.raises(FieldError):
        parse_contact_phone(raw)


def test_agreements_and_employers_store_a_partners_landline(db_session: Session) -> None:
    ag = agreement(db_session, contact_phone="0512-68001234")
    assert db_session.get(CooperationAgreement, ag.id).contact_phone == "0512-68001234"
    employer = employers.create_employer(
        db_session,
        CITY,
        {
            "name": "苏州精密",
            "uscc": "91320500MA1Y00001K",
            "region_code": "410900",
            "contact_phone": "0393-8912345",
        },
    )
    assert employer.contact_phone == "0393-8912345"


def test_the_template_has_the_partner_post_number_column(db_session: Session) -> None:
    ag = agreement(db_session)
    sheet = load_workbook(io.BytesIO(cooperation.template_xlsx(ag))).active
    header, example = list(sheet.iter_rows(values_only=True))
    assert header[-1] == "合作方岗位编号" and example[-1]
