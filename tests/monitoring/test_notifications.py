"""A notification reaches each person once, however often the job that writes it runs."""

from sqlalchemy import select

from tests.factories import make_user
from workshop.extensions import db
from workshop.monitoring.models import Notification
from workshop.monitoring.notifications import notify


def test_the_same_subject_is_written_once_per_person(ctx):
    focal, head = make_user("viewer"), make_user("gender_unit")
    key = "report-7-reminder-1"
    assert notify(focal.id, key, kind="reminder", title="Q1 2027 report due in 5 days")
    assert not notify(focal.id, key, kind="reminder", title="Q1 2027 report due in 5 days")
    assert notify(head.id, key, kind="reminder", title="Q1 2027 report due in 5 days")
    db.session.commit()
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(n.user_id, n.key, n.read_at) for n in rows] == [
        (focal.id, key, None), (head.id, key, None)]
