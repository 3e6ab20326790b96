"""Stored matches and the cached engine index stay equal to a fresh ranking after every kind of change."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

import matcher
from tests.builders import QINGFENG, make_job_order, make_user, make_worker
from webapp.models import JobOrder, Match, Worker
from webapp.services import ranking, reference
from webapp.services.job_orders import create_job_order
from webapp.services.matching import matches_for_order
from webapp.services.scope import Actor

TODAY = date(2026, 11, 28)


def fresh_ranking(db_session, order: JobOrder) -> list[tuple[int, float]]:
    workers = db_session.scalars(select(Worker)).all()
    index = matcher.build_worker_index(
        [ranking.profile_from_row(w) for w in workers], reference.match_context(TODAY)
    )
    return [
        (m.worker_id, m.score) for m in matcher.rank(index, ranking.order_profile(order), k=ranking.STORED_K)
    ]


def stored(db_session, order_id: int) -> list[tuple[int, float]]:
    rows = db_session.execute(
        select(Match.worker_id, Match.score).where(Match.job_order_id == order_id).order_by(Match.rank)
    ).all()
    return [(r.worker_id, r.score) for r in rows]


def test_cached_index_takes_an_edit_without_a_rebuild(db_session):
    welder = make_worker(db_session)
    first = ranking.worker_index(db_session, today=TODAY)
    assert ranking.worker_index(db_session, today=TODAY) is first  # nothing changed: the same index

    welder.certificates = []
    db_session.commit()
    newcomer = make_worker(db_session, name="李留朝")
    second = ranking.worker_index(db_session, today=TODAY)

    assert second.dead_rows == 1  # the edited worker was replaced in place, not rebuilt
    assert second.worker(welder.id).certificates == ()
    assert newcomer.id in second


def test_deleting_a_worker_rebuilds_the_index(db_session):
    a, b = make_worker(db_session), make_worker(db_session)
    assert len(ranking.worker_index(db_session, today=TODAY)) == 2
    db_session.delete(b)
    db_session.commit()
    index = ranking.worker_index(db_session, today=TODAY)
    assert a.id in index and b.id not in index


def test_saving_an_order_stores_its_shortlist_at_once(db_session):
    for _ in range(3):
        make_worker(db_session)
    make_worker(db_session, skills=["美发"], certificates=[], desired_occupations=["美发师"])
    employer_order = make_job_order(db_session)  # gives us an employer
    actor = Actor.of(make_user(db_session, role="admin", region_code=None))

    order = create_job_order(
        db_session,
        actor,
        {
            "employer_id": employer_order.employer_id,
            "title": "钢结构焊工",
            "occupation": "电焊工",
            "headcount": 3,
            "wage_min": 6000,
            "wage_max": 8000,
            "region_code": "320500",
            "certificates_required": ["焊工证"],
        },
    )

    assert stored(db_session, order.id) == fresh_ranking(db_session, order)
    assert len(stored(db_session, order.id)) == 3
    assert order.ranked_at is not None


def test_rerank_keeps_what_staff_acted_on(db_session):
    order = make_job_order(db_session)
    worker = make_worker(db_session)
    ranking.rerank_order(db_session, order.id, today=TODAY)
    db_session.execute(Match.__table__.update().values(state="invited"))
    db_session.commit()

    worker.expected_wage = 20000  # wage fit drops, the score changes
    db_session.commit()
    ranking.rerank_order(db_session, order.id, today=TODAY)

    row = db_session.scalar(select(Match))
    assert row.state == "invited"
    assert (row.worker_id, row.score) == fresh_ranking(db_session, order)[0]


def test_nightly_batch_reranks_only_what_changed(db_session):
    welding = make_job_order(db_session)
    cooking = make_job_order(
        db_session, title="厨师", occupation_code=reference.taxonomy().resolve("厨师"), skills=[]
    )
    welder = make_worker(db_session)
    ranking.rerank_all(db_session, today=TODAY)

    assert ranking.rerank_changed(db_session, today=TODAY)["orders"] == 0

    cook = make_worker(db_session, skills=["烹饪"], certificates=["健康证"], desired_occupations=["厨师"])
    counts = ranking.rerank_changed(db_session, today=TODAY)

    assert counts["changed_workers"] == 1 and counts["orders"] == 1
    assert stored(db_session, cooking.id) == fresh_ranking(db_session, cooking)
    assert [w for w, _ in stored(db_session, cooking.id)] == [cook.id]
    assert [w for w, _ in stored(db_session, welding.id)] == [welder.id]


def test_worker_leaving_the_pool_drops_out_of_stored_matches(db_session):
    order = make_job_order(db_session)
    worker = make_worker(db_session)
    ranking.rerank_all(db_session, today=TODAY)
    assert stored(db_session, order.id) != []

    worker.status = "employed"
    db_session.commit()
    ranking.rerank_changed(db_session, today=TODAY)

    assert stored(db_session, order.id) == []


def test_staff_see_the_best_of_their_own_county(db_session):
    order = make_job_order(db_session)
    make_worker(db_session)  # 南乐县, better
    local = make_worker(db_session, region_code="410922200001", expected_wage=9000)  # 清丰县, asks for more
    qingfeng = Actor.of(make_user(db_session, role="staff", region_code=QINGFENG))

    _, ranked = matches_for_order(db_session, qingfeng, order.id, today=TODAY)

    assert [r.worker.id for r in ranked] == [local.id]


def test_match_cli_reports_counts(app, db_session):
    make_job_order(db_session)
    make_worker(db_session)
    result = app.test_cli_runner().invoke(args=["match", "--all"])
    assert result.exit_code == 0, result.output
    assert "orders 1" in result.output and db_session.scalar(select(func.count(Match.id))) == 1
