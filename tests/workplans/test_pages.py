"""The work-plan editor and review pages, as office staff and the Gender Unit use them."""

import re

import pytest

from tests.factories import make_user
from tests.workplans.test_services import _draft
from workshop.extensions import db
from workshop.workplans.models import Activity


@pytest.fixture
def plan(app):
    with app.app_context():
        plan, objective, activity = _draft()
        office = plan.office
        people = {
            "participant": make_user("participant", office=office),
            "focal": make_user("focal_point", office=office),
            "adviser": make_user("gender_unit"),
            "outsider": make_user("participant", office=db.session.get(type(office), 2)),
            "viewer": make_user("viewer"),
        }
        db.session.commit()
        return {"id": plan.id, "activity": activity.id, "objective": objective.id,
                **{k: u.get_id() for k, u in people.items()}}


def _token(html):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _activity_form(client, activity_id):
    page = client.get(f"/work-plans/activities/{activity_id}")
    assert page.status_code == 200
    fields = dict(re.findall(r'name="(lock_version|objective_id)"[^>]*value="([^"]*)"',
                             page.text))
    objective = re.search(r'<option selected value="(\d+)"', page.text) or re.search(
        r'<option value="(\d+)" selected', page.text)
    return {"csrf_token": _token(page.text), "lock_version": fields.get("lock_version", ""),
            "objective_id": objective.group(1) if objective else "", "status": "planned"}


def test_a_stale_save_is_refused_and_the_other_change_survives(app, client, auth, plan):
    other = app.test_client()
    auth.login(plan["participant"])
    with other.session_transaction() as session:
        session["_user_id"] = plan["focal"]
        session["_fresh"] = True
    mine, theirs = _activity_form(client, plan["activity"]), _activity_form(
        other, plan["activity"])
    saved = other.post(f"/work-plans/activities/{plan['activity']}",
                       data={**theirs, "title": "Their newer title", "core": "5000"})
    assert saved.status_code == 302
    refused = client.post(f"/work-plans/activities/{plan['activity']}",
                          data={**mine, "title": "My stale title", "core": "9000"})
    assert refused.status_code == 409
    assert "Your change was not saved" in refused.text and "Their newer title" in refused.text
    assert 'value="My stale title"' in refused.text  # what I typed is still in the form
    with app.app_context():
        assert db.session.get(Activity, plan["activity"]).title == "Their newer title"


def test_bad_activity_input_is_refused_at_the_field(client, auth, plan):
    auth.login(plan["participant"])
    form = _activity_form(client, plan["activity"])
    response = client.post(f"/work-plans/activities/{plan['activity']}",
                           data={**form, "title": "Checklist", "core": "-4",
                                 "starts": "2026-Q3"})
    assert response.status_code == 422
    assert re.search(r'id="core-error"[^>]*>Give an amount in US dollars', response.text)
    response = client.post(f"/work-plans/activities/{plan['activity']}",
                           data={**form, "title": "Checklist", "starts": "2026-09",
                                 "ends": "2026-Q1"})
    assert re.search(r'id="ends-error"[^>]*>The activity cannot end before', response.text)
    assert 'value="2026-09"' in response.text


def test_review_cycle_and_version_comparison(app, client, auth, plan):
    auth.login(plan["focal"])
    page = client.get(f"/work-plans/{plan['id']}")
    assert "Submit to the Gender Unit" in page.text
    client.post(f"/work-plans/{plan['id']}/submit", data={"csrf_token": _token(page.text)})
    auth.login(plan["adviser"])
    page = client.get(f"/work-plans/{plan['id']}")
    assert "Approve" in page.text and "Add an activity" not in page.text
    client.post(f"/work-plans/{plan['id']}/comments",
                data={"csrf_token": _token(page.text), "activity_id": plan["activity"],
                      "body": "Add a baseline survey first."})
    client.post(f"/work-plans/{plan['id']}/return", data={"csrf_token": _token(page.text)})
    auth.login(plan["participant"])
    page = client.get(f"/work-plans/{plan['id']}")
    assert "Returned by the Gender Unit" in page.text and "Add a baseline survey" in page.text
    form = _activity_form(client, plan["activity"])
    client.post(f"/work-plans/activities/{plan['activity']}",
                data={**form, "title": "Survey, then write the checklist",
                      "core": "12000", "starts": "2026-05", "ends": "2026-09"})
    auth.login(plan["focal"])
    client.post(f"/work-plans/{plan['id']}/submit", data={"csrf_token": _token(page.text)})
    auth.login(plan["adviser"])
    client.post(f"/work-plans/{plan['id']}/approve", data={"csrf_token": _token(page.text)})
    versions = client.get(f"/work-plans/{plan['id']}/versions?a=1&b=2")
    assert re.search(r"<strong>\d+</strong> difference", versions.text)
    changed = re.findall(r'<td class="diff-before">([^<]*)</td><td class="diff-after">'
                         r'([^<]*)</td>', versions.text)
    assert ("Write a gender checklist for planners",
            "Survey, then write the checklist") in changed
    assert all(before != after for before, after in changed)
    auth.login(plan["participant"])
    assert client.post(f"/work-plans/activities/{plan['activity']}",
                       data={**form, "title": "After approval"}).status_code == 422


def test_another_office_and_viewers_cannot_read_or_change(client, auth, plan):
    for who in ("outsider", "viewer"):
        auth.login(plan[who])
        assert client.get(f"/work-plans/{plan['id']}").status_code == 403
        assert client.get(f"/work-plans/activities/{plan['activity']}").status_code == 403
        assert client.post(f"/work-plans/activity/{plan['activity']}/delete",
                           data={}).status_code in (400, 403)


def test_workbook_upload_lists_errors_and_saves_nothing_until_clean(app, client, auth, plan):
    import io

    from openpyxl import load_workbook

    auth.login(plan["participant"])
    download = client.get(f"/work-plans/{plan['id']}/workbook.xlsx")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.data))
    sheet = book["Activities"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("Core (USD)") + 1, value=-10)
    bad = io.BytesIO()
    book.save(bad)
    page = client.get(f"/work-plans/{plan['id']}/upload")
    response = client.post(f"/work-plans/{plan['id']}/upload", data={
        "csrf_token": _token(page.text), "file": (io.BytesIO(bad.getvalue()), "plan.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert re.search(r"<td>Activities</td><td>2</td><td>Core \(USD\)</td>", response.text)
    with app.app_context():
        assert db.session.get(Activity, plan["activity"]).cost_core == 12000
    sheet.cell(row=2, column=headers.index("Core (USD)") + 1, value=15000)
    good = io.BytesIO()
    book.save(good)
    response = client.post(f"/work-plans/{plan['id']}/upload", data={
        "csrf_token": _token(page.text), "file": (io.BytesIO(good.getvalue()), "plan.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Activity, plan["activity"]).cost_core == 15000
    pdf = client.get(f"/work-plans/{plan['id']}/plan.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_a_comment_on_an_indicator_shows_beside_it(app, client, auth, plan):
    from workshop.workplans.models import Indicator, PlanComment

    with app.app_context():
        indicator = db.session.scalars(db.select(Indicator)).first()
        indicator_id, statement = indicator.id, indicator.statement
    auth.login(plan["adviser"])
    page = client.get(f"/work-plans/{plan['id']}")
    response = client.post(f"/work-plans/{plan['id']}/comments", data={
        "csrf_token": _token(page.text), "indicator_id": indicator_id,
        "body": "Which survey gives the baseline?"})
    assert response.status_code == 302
    page = client.get(f"/work-plans/{plan['id']}")
    assert f"on the indicator “{statement}”): Which survey gives the baseline?" in page.text
    with app.app_context():
        saved = db.session.scalars(db.select(PlanComment)).one()
        assert (saved.indicator_id, saved.activity_id) == (indicator_id, plan["activity"])
