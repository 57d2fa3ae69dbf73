"""List and dashboard pages run the same number of SQL statements for 5 offices as for 50.

`assert_constant_queries` is the helper later pages reuse: it builds the data twice at two
sizes and compares the counts of one page request.
"""

import pytest

from tests.factories import OfficeFactory, make_cycle, make_user
from workshop.extensions import db


def _populate(n_offices: int) -> None:
    for _ in range(n_offices):
        office = OfficeFactory()
        make_user("focal_point", office=office)
        make_user("participant", office=office)


def assert_constant_queries(app, client, auth, query_counter, path, populate, small=5,
                            large=50, role="admin"):
    """Request `path` after `populate(small)` and after `populate(large)`; same query count."""
    counts = []
    with app.app_context():
        viewer = make_user(role, email="counter@example.org")
        make_cycle()
        db.session.commit()
        auth.login(viewer)
    for extra in (small, large - small):
        with app.app_context():
            populate(extra)
            db.session.commit()
        client.get(path)  # warm-up: caches that fill once are not what is measured
        with query_counter() as counter:
            response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        counts.append(counter["n"])
    assert counts[0] == counts[1], (
        f"{path}: {counts[0]} queries with {small} offices, {counts[1]} with {large}")
    return counts[0]


@pytest.mark.parametrize("path", ["/admin/users", "/admin/offices", "/admin/users?role=focal_point",
                                  "/admin/audit", "/", "/timeline", "/admin/cycles"])
def test_admin_lists_do_not_grow_with_offices(app, client, auth, query_counter, path):
    assert_constant_queries(app, client, auth, query_counter, path, _populate)


def test_user_list_with_page_size_of_rows(app, client, auth, query_counter):
    n = assert_constant_queries(app, client, auth, query_counter, "/admin/users?sort=-office",
                                _populate)
    assert n <= 8
