"""The needs-assessment pages as consultants, office staff and viewers use them."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from tests.assessment.helpers import category, finding, level, nominate, record, world
from tests.factories import make_user
from workshop.assessment.models import AssessmentSession, Finding, Gap, SessionDraft
from workshop.extensions import db


@pytest.fixture
def week(app):
    """Two offices with a session each; a focal point of the first, a viewer."""
    with app.app_context():
        cycle, office, other, consultant = world()
        ana = nominate(cycle, office, "Ana Costa", "female", "Senior management")
        record(cycle, office, consultant, format="individual", participants=[ana],
               notes="Said in confidence: the director blocks the topic.",
               notes_confidential=True,
               findings=[finding("No gender checklist for planning", "Tools", "high",
                                 quote="We plan without ever asking about women.")])
        record(cycle, other, consultant, when=datetime(2026, 2, 17, 10, 0),
               headcounts={level("Professional").id: (2, 3)},
               notes="Open notes of the other office.",
               findings=[finding("Police data not disaggregated", "Tools", "medium")])
        focal = make_user("focal_point", office=office)
        viewer = make_user("viewer")
        db.session.commit()
        ids = {"office": office.id, "other": other.id, "cycle": cycle.id,
               "consultant": consultant.get_id(), "focal": focal.get_id(),
               "viewer": viewer.get_id(), "consultant_id": consultant.id}
    return ids


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_focal_point_sees_own_register_and_summary_not_another_office(client, auth, week):
    auth.login(week["focal"])
    own = client.get(f"/assessment/offices/{week['office']}/gaps")
    assert own.status_code == 200 and "No gender checklist for planning" in own.text
    assert "Police data" not in own.text
    assert client.get(f"/assessment/offices/{week['other']}/gaps").status_code == 403
    assert client.get(f"/assessment/offices/{week['other']}/summary").status_code == 403
    assert client.get(f"/assessment/offices/{week['other']}/summary.pdf").status_code == 403
    assert client.get("/assessment/sessions").status_code == 403
    assert client.get("/assessment/sessions/1").status_code == 403
    assert client.get("/assessment/summary.pdf").status_code == 403
    # The register link takes them to their own office's register.
    assert client.get("/assessment/gaps").headers["Location"].endswith(
        f"/assessment/offices/{week['office']}/gaps")
    summary = client.get(f"/assessment/offices/{week['office']}/summary")
    assert summary.status_code == 200 and "No gender checklist" in summary.text


def test_no_note_reaches_office_staff_or_viewers(client, auth, week):
    for who in ("focal", "viewer"):
        auth.login(week[who])
        for url in ("/assessment/", f"/assessment/offices/{week['office']}",
                    f"/assessment/offices/{week['office']}/gaps", "/assessment/gaps/1",
                    "/assessment/summary", f"/assessment/offices/{week['office']}/summary"):
            response = client.get(url, follow_redirects=True)
            assert "in confidence" not in response.text, (who, url)
            assert "Open notes" not in response.text, (who, url)


def test_viewer_reads_the_department_summary_only(client, auth, week):
    auth.login(week["viewer"])
    page = client.get("/assessment/summary")
    assert page.status_code == 200
    assert "people met" in page.text
    assert client.get(f"/assessment/offices/{week['office']}/summary").status_code == 403
    assert client.get(f"/assessment/offices/{week['office']}/gaps").status_code == 403
    assert client.get("/assessment/gaps/1").status_code == 403


def test_consultant_reads_confidential_notes_marked_as_such(client, auth, week):
    auth.login(week["consultant"])
    page = client.get("/assessment/sessions/1")
    assert "the director blocks the topic" in page.text and "Confidential" in page.text


def _session_form(client, office_id):
    page = client.get(f"/assessment/sessions/new?office={office_id}")
    assert page.status_code == 200
    return _csrf(page.text)


def test_bad_session_input_is_refused_at_the_field_and_keeps_what_was_typed(app, client, auth,
                                                                            week):
    auth.login(week["consultant"])
    token = _session_form(client, week["office"])
    with app.app_context():
        prof = level("Professional").id
        tools = category("Tools").id
    base = {
        "csrf_token": token, "held_on": "2031-02-16", "held_time": "09:30", "format": "group",
        "consultant_ids": str(week["consultant_id"]),
        "headcounts-0-level_id": str(prof), "headcounts-0-women": "-2",
        "headcounts-0-men": "4", "topics": "Planning and gender",
        "findings-0-category_id": "", "findings-0-title": "Nobody owns gender in planning",
        "findings-0-priority": "high", "findings-1-category_id": str(tools),
        "findings-1-title": "Second finding typed", "findings-1-priority": "low",
    }
    response = client.post(f"/assessment/sessions/new?office={week['office']}", data=base)
    assert response.status_code == 422
    html = response.text
    assert 'id="headcounts-0-women-error"' in html and "from 0 to" in html
    # Everything typed is still there.
    assert "Nobody owns gender in planning" in html and "Second finding typed" in html
    assert "Planning and gender" in html and 'value="2031-02-16"' in html
    # Counts fixed: the date outside the cycle and the missing category are next.
    base["headcounts-0-women"] = "2"
    response = client.post(f"/assessment/sessions/new?office={week['office']}", data=base)
    assert response.status_code == 422
    assert re.search(r'id="held_on-error"[^>]*>Pick a date within the cycle', response.text)
    base["held_on"] = "2026-02-16"
    response = client.post(f"/assessment/sessions/new?office={week['office']}", data=base)
    assert response.status_code == 422
    assert re.search(r'id="findings-0-category_id-error"[^>]*>Choose the category',
                     response.text)
    assert "Second finding typed" in response.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(AssessmentSession.id))) == 2  # nothing new
    base["findings-0-category_id"] = str(tools)
    response = client.post(f"/assessment/sessions/new?office={week['office']}", data=base)
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalars(select(AssessmentSession).order_by(
            AssessmentSession.id.desc())).first()
        assert [f.title for f in saved.findings] == ["Nobody owns gender in planning",
                                                     "Second finding typed"]
        assert saved.people_count == 6


def test_a_draft_is_kept_as_typed_and_restored(app, client, auth, week):
    auth.login(week["consultant"])
    token = _session_form(client, week["office"])
    response = client.post(f"/assessment/offices/{week['office']}/sessions/draft",
                           data={"csrf_token": token, "topics": "Half-typed topics",
                                 "findings-0-title": "Half-typed finding"})
    assert response.status_code == 200 and response.json["saved_at"]
    page = client.get(f"/assessment/sessions/new?office={week['office']}")
    assert "Your unsaved draft" in page.text
    assert "Half-typed topics" in page.text and "Half-typed finding" in page.text
    # Another consultant does not get it.
    with app.app_context():
        other = make_user("consultant")
        db.session.commit()
        other_id = other.get_id()
    auth.login(other_id)
    assert "Half-typed" not in client.get(
        f"/assessment/sessions/new?office={week['office']}").text
    auth.login(week["consultant"])
    client.post(f"/assessment/offices/{week['office']}/sessions/draft",
                data={"csrf_token": token, "discard": "1"})
    with app.app_context():
        assert db.session.scalar(select(db.func.count(SessionDraft.id))) == 0


def test_grouping_from_the_findings_list_and_merging_on_the_gap_page(app, client, auth, week):
    auth.login(week["consultant"])
    page = client.get("/assessment/findings")
    assert page.status_code == 200 and "Police data not disaggregated" in page.text
    token = _csrf(page.text) if 'name="csrf_token" type="hidden"' in page.text else \
        re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/assessment/findings/group",
                           data={"csrf_token": token, "finding_ids": ["1", "2"]})
    assert response.status_code == 302
    with app.app_context():
        gaps = {f.gap.code for f in db.session.scalars(select(Finding))}
        assert gaps == {"G-01"}
        assert db.session.get(Gap, 2).merged_into_id == 1
    register = client.get("/assessment/gaps")
    row = re.search(r"G-01</a></td>.*?</tr>", register.text, re.S).group(0)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells[-3:] == ["2", "2", "2"]  # raised twice, at two levels, in two offices
    old = client.get("/assessment/gaps/2")
    assert old.status_code == 302 and old.headers["Location"].endswith("/assessment/gaps/1")
