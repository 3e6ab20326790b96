"""Matching v2 on the pages: the near misses (差证) of a match page, the 待归类 badge, the staff page of unclassified
terms, experience years on the worker form, and training needs counting an unclassified occupation by its text."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import NANLE, login, make_job_order, make_user, make_worker
from tests.webapp.page_html import text
from tests.webapp.workers.test_worker_pages import worker_form
from webapp.errors import Forbidden
from webapp.models import Worker
from webapp.services import training, vocabulary
from webapp.services.scope import Actor


def test_match_page_lists_near_misses_with_the_missing_licence(
    client: FlaskClient, db_session: Session
) -> None:
    order = make_job_order(db_session, title="苏州钢构电焊工")
    make_worker(db_session, name="赵晓权", experience_years=[{"occupation": "焊工", "years": 5}])
    make_worker(db_session, name="李留朝", certificates=[])
    login(client, make_user(db_session))
    page = text(client.get(f"/job-orders/{order.id}/matches").get_data(as_text=True))
    ranked, near = page.split("差证人员", 1)
    assert "赵晓权" in ranked and "工种对口：焊工（从业5年）" in ranked and "李留朝" not in ranked
    assert "李留朝" in near and "焊工证" in near and "缺少焊工证" in near


def test_an_unclassified_order_shows_its_badge_and_still_matches(
    client: FlaskClient, db_session: Session
) -> None:
    order = make_job_order(
        db_session, title="民宿管家", occupation_code="民宿管家", skills=[], region_code=NANLE
    )
    make_worker(db_session, name="王秀兰", skills=["民宿管家"], certificates=[], desired_occupations=[])
    login(client, make_user(db_session))
    page = text(client.get(f"/job-orders/{order.id}/matches").get_data(as_text=True))
    assert "民宿管家 待归类" in page and "王秀兰" in page.split("差证人员")[0]
    assert "待归类" in text(client.get(f"/job-orders/{order.id}").get_data(as_text=True))


def test_staff_page_of_unclassified_terms(client: FlaskClient, db_session: Session) -> None:
    make_job_order(db_session, title="民宿管家", occupation_code="民宿管家", skills=[])
    make_job_order(db_session, title="民宿管家2", occupation_code="民宿管家", skills=[])
    make_worker(
        db_session,
        desired_occupations=["民宿管家", "焊工"],
        experience_years=[{"occupation": "剧本杀主持人", "years": 2}],
    )
    staff = make_user(db_session)
    terms = vocabulary.unclassified_terms(db_session, Actor.of(staff))
    assert [(t.text, t.orders, t.workers) for t in terms] == [("民宿管家", 2, 1), ("剧本杀主持人", 0, 1)]
    assert terms[0].nearest and all(len(n) == 3 for n in terms[0].nearest)
    login(client, staff)
    page = text(client.get("/job-orders/unclassified").get_data(as_text=True))
    assert "民宿管家 2 1" in page and "剧本杀主持人 0 1" in page


def test_the_unclassified_terms_page_is_for_staff_only(client: FlaskClient, db_session: Session) -> None:
    order = make_job_order(db_session)
    employer_user = make_user(db_session, role="employer", region_code=None, employer_id=order.employer_id)
    with pytest.raises(Forbidden):
        vocabulary.unclassified_terms(db_session, Actor.of(employer_user))
    login(client, employer_user)
    assert client.get("/job-orders/unclassified").status_code == 403


def test_worker_form_takes_experience_years(client: FlaskClient, db_session: Session) -> None:
    login(client, make_user(db_session, region_code=NANLE))
    resp = client.post("/workers/new", data=worker_form(experience_years="电焊:6、钢筋工 2年"))
    assert resp.status_code == 302, text(resp.get_data(as_text=True))
    worker = db_session.scalars(select(Worker)).one()
    assert worker.experience_years == [
        {"occupation": "电焊", "years": 6},
        {"occupation": "钢筋工", "years": 2},
    ]
    detail = text(client.get(f"/workers/{worker.id}").get_data(as_text=True))
    assert "电焊（6年）、钢筋工（2年）" in detail
    form = client.get(f"/workers/{worker.id}/edit").get_data(as_text=True)
    assert 'value="电焊:6、钢筋工:2"' in form
    bad = client.post("/workers/new", data=worker_form(experience_years="焊工:99"))
    assert bad.status_code == 422 and "“焊工”的从业年限应在0到60年之间" in text(bad.get_data(as_text=True))


def test_training_needs_count_an_unclassified_occupation_by_its_text(db_session: Session) -> None:
    make_job_order(
        db_session, title="民宿管家", occupation_code="民宿管家", skills=[], headcount=4, region_code=NANLE
    )
    staff = Actor.of(make_user(db_session))
    needs = [n for n in training.training_needs(db_session, staff) if n.occupation == "民宿管家"]
    assert [(n.occupation_name, n.demand, n.gap) for n in needs] == [("民宿管家", 4, 4)]
