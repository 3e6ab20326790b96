"""Every main page, as the person who uses it sees it: accessible, fully in English after the switch, and
nothing fetched from outside loopback. A new page is one more row in ``PAGES``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from tests.e2e.support import LiveServer, Visitor
from webapp.models import Employer, JobOrder, User, Worker

#: (who is logged in, path, expected status). ``{worker}``, ``{order}``, ``{employer}`` and ``{own_order}``
#: (an order of employer_demo's firm) are filled in from the demo database.
PAGES: list[tuple[str | None, str, int]] = [
    (None, "/auth/login", 200),
    ("city_staff", "/", 200),
    ("city_staff", "/workers/", 200),
    ("city_staff", "/workers/new", 200),
    ("city_staff", "/workers/{worker}", 200),
    ("city_staff", "/workers/{worker}/edit", 200),
    ("city_staff", "/workers/{worker}/recommendations", 200),
    ("city_staff", "/job-orders/", 200),
    ("city_staff", "/job-orders/new", 200),
    ("city_staff", "/job-orders/{order}", 200),
    ("city_staff", "/job-orders/{order}/matches", 200),
    ("city_staff", "/job-orders/unclassified", 200),
    ("city_staff", "/employers/", 200),
    ("city_staff", "/employers/new", 200),
    ("city_staff", "/employers/{employer}", 200),
    ("city_staff", "/workers/99999999", 404),
    ("city_staff", "/fairs/", 200),
    ("city_staff", "/fairs/new", 200),
    ("city_staff", "/cooperation/", 200),
    ("city_staff", "/placements/", 200),
    ("city_staff", "/placements/new", 200),
    ("city_staff", "/placements/follow-ups", 200),
    ("city_staff", "/stats/", 200),
    ("city_staff", "/excel/", 200),
    ("city_staff", "/board/signups", 200),
    ("city_staff", "/training/needs", 200),
    ("city_staff", "/subsidies/", 200),
    ("city_staff", "/account/", 200),
    ("admin", "/account/users", 200),
    ("city_staff", "/privacy/audit", 200),
    ("city_staff", "/privacy/requests", 200),
    ("admin", "/privacy/requests", 200),
    ("admin", "/account/users/new", 200),
    ("admin", "/account/institutions", 200),
    ("city_staff", "/employer-applications/", 200),
    ("employer_demo", "/my-employer", 200),
    (None, "/register/employer", 200),
    (None, "/register/employer/status", 200),
    ("employer_demo", "/", 200),
    ("employer_demo", "/job-orders/", 200),
    ("employer_demo", "/job-orders/{own_order}/matches", 200),
    ("employer_demo", "/fairs/", 200),
    ("trainer_demo", "/", 200),
    ("trainer_demo", "/training/courses", 200),
    ("trainer_demo", "/training/courses/new", 200),
    ("city_staff", "/subsidies/budget", 200),
    ("city_staff", "/households/", 200),
    ("city_staff", "/households/new", 200),
    ("city_staff", "/households/1", 200),
    (None, "/board/", 200),
    (None, "/board/courses", 200),
    (None, "/board/signup", 200),
]


def resolve(server: LiveServer, path: str) -> str:
    if "{" not in path:
        return path
    own_employer = select(User.employer_id).where(User.username == "employer_demo").scalar_subquery()
    ids = {
        "worker": server.scalar(select(func.min(Worker.id)).where(Worker.region_code.startswith("4109"))),
        "order": server.scalar(select(func.min(JobOrder.id)).where(JobOrder.status == "open")),
        "employer": server.scalar(select(func.min(Employer.id))),
        "own_order": server.scalar(select(func.min(JobOrder.id)).where(JobOrder.employer_id == own_employer)),
    }
    return path.format(**ids)


@pytest.mark.parametrize(
    ("user", "path", "status"), PAGES, ids=[f"{u or 'anonymous'}:{p}" for u, p, _ in PAGES]
)
def test_page_is_accessible_translated_and_local(
    returning_visitor: Callable[[str | None], Visitor],
    live_server: LiveServer,
    user: str | None,
    path: str,
    status: int,
) -> None:
    visitor = returning_visitor(user)
    visitor.goto(resolve(live_server, path) + "?lang=zh", status=status)
    assert visitor.page.locator("html").get_attribute("lang") == "zh-CN"
    assert visitor.heading()
    visitor.assert_accessible()

    visitor.switch_language("en")
    visitor.assert_translated()
    visitor.assert_clean()
