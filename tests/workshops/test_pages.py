"""Workshop pages: planning, the agenda, attendance, and the anonymous evaluation form."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.assessment.helpers import finding, level, nominate, record, world
from tests.factories import make_user
from tests.workshops.test_services import _curriculum
from workshop.extensions import db, limiter
from workshop.workshops.models import Attendance, EvaluationResponse, Workshop
from workshop.workshops.services import open_evaluation, save_workshop


@pytest.fixture
def setup(app):
    with app.app_context():
        cycle, office, other, consultant = world()
        record(cycle, office, consultant, headcounts={level("Professional").id: (2, 2)},
               findings=[finding("No checklist", "Tools", "high"),
                         finding("Budget is not tracked", "Institutional", "high")])
        people = [nominate(cycle, office, name, sex, "Professional")
                  for name, sex in (("Ana Lima", "female"), ("Ben Okoro", "male"))]
        nominate(cycle, other, "Someone Elsewhere", "female", "Professional")
        _curriculum()
        focal_other = make_user("focal_point", office=other)
        focal_own = make_user("focal_point", office=office)
        viewer = make_user("viewer")
        db.session.commit()
        ids = {"office": office.id, "consultant": consultant.get_id(),
               "consultant_id": consultant.id, "people": [p.id for p in people],
               "focal_other": focal_other.get_id(), "focal_own": focal_own.get_id(),
               "viewer": viewer.get_id()}
    return ids


def _token(html):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _plan(client, setup, **changes):
    page = client.get("/workshops/new")
    data = {"csrf_token": _token(page.text), "kind": "office", "office_id": setup["office"],
            "title": "OO gender workshop", "start_date": "2026-04-14", "venue": "Room 3",
            "facilitator_ids": setup["consultant_id"], **changes}
    return client.post("/workshops/new", data=data)


def test_planning_an_office_workshop_proposes_an_agenda_and_flags_uncovered_gaps(
        client, auth, setup):
    auth.login(setup["consultant"])
    response = _plan(client, setup)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Gender analysis in mission planning" in page.text
    assert "G-01 No checklist" in page.text  # linked to the analysis session
    assert re.search(r"1 high-priority gap is addressed by no session:</strong>\s*G-02 "
                     r"Budget is not tracked", page.text)
    assert "Tuesday 14 April 2026" in page.text and "Wednesday 15 April 2026" in page.text


def test_bad_dates_are_refused_at_the_field(client, auth, setup):
    auth.login(setup["consultant"])
    response = _plan(client, setup, start_date="2031-04-14")
    assert response.status_code == 422
    assert re.search(r'id="start_date-error"[^>]*>Pick a date within the cycle', response.text)
    assert 'value="Room 3"' in response.text  # what was typed stays
    response = _plan(client, setup, start_date="2026-04-14", end_date="2026-04-10")
    assert re.search(r'id="end_date-error"[^>]*>The last day cannot be before', response.text)


def test_attendance_is_marked_per_day_and_shown_to_the_office_only(app, client, auth, setup):
    auth.login(setup["consultant"])
    location = _plan(client, setup).headers["Location"]
    workshop_id = int(location.rsplit("/", 1)[1])
    page = client.get(f"/workshops/{workshop_id}/attendance")
    assert "Someone Elsewhere" not in page.text  # another office's nominee is not offered
    client.post(f"/workshops/{workshop_id}/invitations",
                data={"csrf_token": _token(page.text), "nomination_ids": setup["people"]})
    page = client.get(f"/workshops/{workshop_id}/attendance")
    ids = re.findall(r'name="a-(\d+)-1"', page.text)
    marks = {f"a-{ids[0]}-1": "present", f"a-{ids[0]}-2": "present",
             f"a-{ids[1]}-1": "present", f"a-{ids[1]}-2": "left_early"}
    response = client.post(f"/workshops/{workshop_id}/attendance",
                           data={"csrf_token": _token(page.text), **marks})
    assert response.status_code == 302
    page = client.get(f"/workshops/{workshop_id}")
    assert ("2 invited; 2 attended (50 % women); 2 of the 2 invited (100 %) were there every "
            "day") in page.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Attendance.id))) == 4
    auth.login(setup["focal_own"])
    assert "Ana Lima" in client.get(f"/workshops/{workshop_id}/attendance").text
    assert client.post(f"/workshops/{workshop_id}/attendance", data={}).status_code in (400,
                                                                                         403)
    auth.login(setup["focal_other"])
    assert client.get(f"/workshops/{workshop_id}/attendance").status_code == 403
    auth.login(setup["viewer"])
    assert client.get(f"/workshops/{workshop_id}").status_code == 200  # the agenda is public
    assert client.get(f"/workshops/{workshop_id}/evaluation").status_code == 403


@pytest.fixture
def evaluation(app, setup):
    with app.app_context():
        workshop = save_workshop(None, cycle_id=1, kind="pilot", title="Pilot",
                                 start_date=date(2026, 3, 2))
        open_evaluation(workshop)
        db.session.commit()
        return {"key": workshop.evaluation_key, "id": workshop.id,
                "items": [i.id for i in workshop.agenda]}


def _answer(client, evaluation, usefulness="useful", **extra):
    page = client.get(f"/evaluate/{evaluation['key']}")
    assert page.status_code == 200
    data = {"csrf_token": _token(page.text), "usefulness": usefulness,
            f"rating-{evaluation['items'][0]}": "4", "keep": "The case study", **extra}
    return client.post(f"/evaluate/{evaluation['key']}", data=data)


def test_the_anonymous_form_takes_one_response_per_device(app, client, evaluation):
    token = _token(client.get(f"/evaluate/{evaluation['key']}").text)
    response = _answer(client, evaluation)
    assert response.status_code == 200 and "Thank you" in response.text
    again = client.get(f"/evaluate/{evaluation['key']}")
    assert "already been sent from this device" in again.text and "<form" not in again.text
    second = client.post(f"/evaluate/{evaluation['key']}",
                         data={"csrf_token": token, "usefulness": "not_useful"})
    assert "already been sent" in second.text
    other_device = app.test_client()
    assert "Thank you" in _answer(other_device, evaluation, "very_useful").text
    with app.app_context():
        assert db.session.scalar(select(func.count(EvaluationResponse.id))) == 2


def test_the_anonymous_form_reaches_nothing_else_and_refuses_when_closed(app, client, auth,
                                                                         setup, evaluation):
    page = client.get(f"/evaluate/{evaluation['key']}")
    hrefs = set(re.findall(r'href="([^"]+)"', page.text))
    assert {h for h in hrefs if not h.startswith(("/static/", "/bootstrap/"))} <= {"/",
                                                                                   "#main"}
    assert client.get("/workshops/").status_code == 302  # still asked to sign in
    assert client.get(f"/workshops/{evaluation['id']}/evaluation").status_code == 302
    assert client.get("/evaluate/not-a-real-key").status_code == 404
    bad = client.post(f"/evaluate/{evaluation['key']}",
                      data={"csrf_token": _token(page.text), "usefulness": "amazing"})
    assert bad.status_code == 422 and "Not a valid choice" in bad.text
    auth.login(setup["consultant"])
    console = client.get(f"/workshops/{evaluation['id']}/evaluation")
    client.post(f"/workshops/{evaluation['id']}/evaluation/close",
                data={"csrf_token": _token(console.text)})
    auth.logout()
    late = app.test_client()
    page = late.get(f"/evaluate/{evaluation['key']}")
    assert "This evaluation is closed" in page.text and "<form" not in page.text.split(
        "<main")[1]
    with app.app_context():
        assert db.session.get(Workshop, evaluation["id"]).status == "evaluated"


def test_the_anonymous_form_is_rate_limited(app, evaluation):
    client = app.test_client()
    page = client.get(f"/evaluate/{evaluation['key']}")
    token = _token(page.text)
    statuses = [client.post(f"/evaluate/{evaluation['key']}",
                            data={"csrf_token": token, "usefulness": ""}).status_code
                for _ in range(21)]
    assert statuses[:20] == [422] * 20 and statuses[20] == 429
    limiter.reset()


def test_the_qr_code_is_an_svg_of_the_link(client, auth, setup, evaluation):
    auth.login(setup["consultant"])
    response = client.get(f"/workshops/{evaluation['id']}/evaluation/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data
    page = client.get(f"/workshops/{evaluation['id']}/evaluation")
    assert f"/evaluate/{evaluation['key']}" in page.text


def test_home_page_asks_to_mark_a_past_workshop_held(app, client, auth, setup, monkeypatch):
    monkeypatch.setattr("workshop.workshops.tasks.today", lambda: date(2026, 11, 23))
    with app.app_context():
        past = save_workshop(None, cycle_id=1, kind="office", office_id=setup["office"],
                             title="Last month's workshop", start_date=date(2026, 10, 5))
        save_workshop(None, cycle_id=1, kind="pilot", title="Next year's pilot",
                      start_date=date(2027, 3, 1))
        db.session.commit()
        past_id = past.id
    auth.login(setup["consultant"])
    home = client.get("/")
    assert "Mark “Last month&#39;s workshop” as held" in home.text
    assert f"/workshops/{past_id}" in home.text
    assert "Next year" not in home.text
    auth.login(setup["viewer"])
    assert "as held" not in client.get("/").text


def test_printables_and_exports_open_for_the_right_people(app, client, auth, setup, tmp_path):
    import io
    import subprocess

    from openpyxl import load_workbook

    auth.login(setup["consultant"])
    workshop_id = int(_plan(client, setup).headers["Location"].rsplit("/", 1)[1])
    agenda = client.get(f"/workshops/{workshop_id}/agenda.pdf")
    assert agenda.status_code == 200 and agenda.mimetype == "application/pdf"
    (tmp_path / "agenda.pdf").write_bytes(agenda.data)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "agenda.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "OO gender workshop" in text and "Gender analysis in mission" in text
    assert text.index("Why gender matters") < text.index("Drafting the office work plan")
    assert "10:30–14:30" in text and "G-01 No checklist" in text
    ics = client.get(f"/workshops/{workshop_id}/calendar.ics")
    assert ics.mimetype == "text/calendar" and b"DTSTART;VALUE=DATE:20260414" in ics.data
    book = load_workbook(io.BytesIO(client.get("/workshops/evaluations.xlsx").data))
    assert "Usefulness" in book.sheetnames
    auth.login(setup["focal_other"])
    assert client.get(f"/workshops/{workshop_id}/attendance-sheet.pdf").status_code == 403
    assert client.get(f"/workshops/{workshop_id}/attendance.xlsx").status_code == 403
    assert client.get(f"/workshops/{workshop_id}/agenda.pdf").status_code == 200
    auth.login(setup["focal_own"])
    assert client.get(f"/workshops/{workshop_id}/attendance-sheet.pdf").status_code == 200
