"""Every study page makes as many queries for a big study as for a small one (no query per row).

Two studies are grown through the services, the second twice the first in members,
questions, suggestions, votes, comments and versions; every page a member can open is
loaded in both, counting the SQL statements each answer took.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from peer_research.sample_study import PASSWORD, SampleStudy, StudySize, grow_study, study_pages

SMALL = StudySize(members=3, questions=4, suggestions=6, comments=6, versions=2)
DOUBLE = StudySize(members=6, questions=8, suggestions=12, comments=12, versions=4)


@pytest.fixture
def grown(app, db_session) -> tuple[SampleStudy, SampleStudy]:
    """Grow a small study and one twice its size."""
    with app.app_context():
        small = grow_study(db_session, slug="small-study", size=SMALL)
        double = grow_study(db_session, slug="double-study", size=DOUBLE)
        db_session.commit()
    return small, double


@contextmanager
def counting(db_session) -> Iterator[list[str]]:
    """Collect the SQL statements run on the test connection inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    connection = db_session.connection()
    sa.event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(connection, "before_cursor_execute", count)


def queries_per_page(client, db_session, pages: dict[str, str]) -> dict[str, int]:
    """Load each page twice (the first warms what is made once) and count the second."""
    counts = {}
    for endpoint, path in sorted(pages.items()):
        client.get(path)
        with counting(db_session) as statements:
            response = client.get(path)
        # 302: a one-time page (setting up how the group decides) sends on once it is done.
        assert response.status_code in (200, 302), f"{path} answered {response.status_code}"
        counts[endpoint] = len(statements)
    return counts


def test_every_study_page_costs_the_same_queries_at_twice_the_size(app, client, db_session, grown):
    small, double = grown
    counts = []
    for study in (small, double):
        client.post("/sign-out")
        response = client.post(
            "/sign-in", data={"username": study.facilitator.username, "password": PASSWORD}
        )
        assert response.status_code == 302
        counts.append(queries_per_page(client, db_session, study_pages(app, study)))
    growing = {
        endpoint: (counts[0][endpoint], counts[1][endpoint])
        for endpoint in counts[0]
        if counts[0][endpoint] != counts[1][endpoint]
    }
    assert not growing, "queries grow with the study (small, double): " + ", ".join(
        f"{endpoint} {small_count} -> {double_count}"
        for endpoint, (small_count, double_count) in sorted(growing.items())
    )
