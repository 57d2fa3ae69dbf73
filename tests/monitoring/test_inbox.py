"""Each person's inbox: their own notifications, newest first, the unread count in the navigation
bar on every page, marking one or all read."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import OfficeFactory, make_user
from workshop.extensions import db
from workshop.monitoring.models import Notification
from workshop.monitoring.notifications import notify


def _text(html: str) -> str:
    """The page as a screen reader reads it: tags removed, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _token(client) -> str:
    page = client.get("/monitoring/inbox").text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _unread(user_id) -> list[str]:
    return db.session.scalars(select(Notification.key).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))
        .order_by(Notification.key)).all()


@pytest.fixture
def people(app):
    """Amina (a focal point) with three notifications, the oldest read; Pedro with one."""
    with app.app_context():
        amina = make_user("focal_point", office=OfficeFactory(acronym="OO"), name="Amina")
        pedro = make_user("gender_unit", name="Pedro")
        start = datetime(2026, 10, 8, 6)
        for n, (key, title, url) in enumerate([
                ("remind", "Q3 2026 report due on 15 Oct 2026", "/monitoring/"),
                ("overdue", "Q3 2026 report is overdue", "/monitoring/periods/1/offices/1"),
                ("elsewhere", "A link that leaves the site", "https://example.com/phish")]):
            notify(amina.id, key, kind="reminder", title=title, body=f"Body of {key}.", url=url)
            db.session.execute(Notification.__table__.update()
                               .where(Notification.key == key)
                               .values(created_at=start + timedelta(days=n)))
        notify(pedro.id, "digest", kind="digest", title="Weekly digest", body="Line one\nTwo")
        db.session.execute(Notification.__table__.update().where(Notification.key == "remind")
                           .values(read_at=start))
        db.session.commit()
        return {"amina": amina.get_id(), "pedro": pedro.get_id(), "amina_id": amina.id,
                "pedro_id": pedro.id}


def _ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(Notification.key, Notification.id)).all())


def test_the_navigation_bar_shows_the_unread_count_on_every_page(client, auth, people):
    auth.login(people["amina"])
    for path in ("/", "/monitoring/", "/profile"):
        text = _text(client.get(path).text)
        assert "Inbox 2 unread" in text, path
    auth.logout()
    assert "Inbox" not in _text(client.get("/sign-in").text)


def test_the_inbox_lists_ones_own_notifications_newest_first(client, auth, people):
    auth.login(people["amina"])
    page = client.get("/monitoring/inbox")
    assert page.status_code == 200
    text = _text(page.text)
    assert "2 unread of 3" in text
    titles = ["A link that leaves the site", "Q3 2026 report is overdue",
              "Q3 2026 report due on 15 Oct 2026"]
    assert [text.index(t) for t in titles] == sorted(text.index(t) for t in titles)
    assert text.count("Unread") == 2  # the two newest; the oldest was read
    assert "Weekly digest" not in text  # Pedro's


def test_opening_a_notification_marks_it_read_and_goes_where_it_points(app, client, auth,
                                                                        people):
    ids = _ids(app)
    auth.login(people["amina"])
    token = _token(client)
    opened = client.post(f"/monitoring/inbox/{ids['overdue']}/read",
                         data={"csrf_token": token})
    assert opened.status_code == 302
    assert opened.headers["Location"] == "/monitoring/periods/1/offices/1"
    # A notification pointing off the site leads back to the inbox instead.
    opened = client.post(f"/monitoring/inbox/{ids['elsewhere']}/read",
                         data={"csrf_token": token})
    assert opened.headers["Location"] == "/monitoring/inbox"
    with app.app_context():
        assert _unread(people["amina_id"]) == []
    assert "unread" not in _text(client.get("/").text)


def test_all_can_be_marked_read_at_once(app, client, auth, people):
    auth.login(people["amina"])
    done = client.post("/monitoring/inbox/read-all", data={"csrf_token": _token(client)},
                       follow_redirects=True)
    assert "2 notifications marked as read." in done.text
    assert "0 unread of 3" in _text(done.text)
    with app.app_context():
        assert _unread(people["amina_id"]) == []
        assert _unread(people["pedro_id"]) == ["digest"]  # someone else's are left alone


def test_another_persons_notification_cannot_be_opened(app, client, auth, people):
    ids = _ids(app)
    auth.login(people["pedro"])
    response = client.post(f"/monitoring/inbox/{ids['overdue']}/read",
                           data={"csrf_token": _token(client)})
    assert response.status_code == 404
    with app.app_context():
        assert _unread(people["amina_id"]) == ["elsewhere", "overdue"]
    auth.logout()
    assert "/sign-in" in client.get("/monitoring/inbox").headers["Location"]


def test_a_long_inbox_is_paged_with_the_same_number_of_queries(app, client, auth,
                                                               query_counter):
    with app.app_context():
        user = make_user("viewer")
        login, user_id = user.get_id(), user.id
        db.session.commit()
    auth.login(login)
    counts = []
    for total in (5, 60):
        with app.app_context():
            for n in range(len(_ids(app)), total):
                notify(user_id, f"note:{n}", kind="note", title=f"Note number {n}")
            db.session.commit()
        client.get("/monitoring/inbox")
        with query_counter() as counter:
            page = client.get("/monitoring/inbox")
        counts.append(counter["n"])
    assert counts[0] == counts[1]
    text = _text(page.text)
    assert "Note number 59" in text and "Note number 34" not in text  # 25 a page, newest first
    assert "Page 1 of 3" in text
    assert "Note number 9 " in _text(client.get("/monitoring/inbox?page=3").text)
