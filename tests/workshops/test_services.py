"""The curriculum, workshops and their agenda, attendance and evaluations, as services."""

from datetime import date, datetime, time

import pytest

from tests.assessment.helpers import category, finding, level, nominate, record, thematic, world
from workshop.core.validation import FieldError
from workshop.extensions import db
from workshop.workshops.services import (
    close_evaluation,
    current_curriculum,
    evaluation_figures,
    invite,
    open_evaluation,
    participation,
    publish_version,
    record_attendance,
    record_revision,
    save_agenda_item,
    save_module,
    save_workshop,
    start_revision,
    submit_evaluation,
    uncovered_gaps,
)


def _curriculum():
    """Version 1: three core modules and an optional one on protection."""
    version = start_revision()
    save_module(None, version, code="M1", title="Why gender matters in peacekeeping",
                duration_minutes=90, category_ids=[category("Knowledge").id])
    save_module(None, version, code="M2", title="Gender analysis in mission planning",
                duration_minutes=180, category_ids=[category("Tools").id,
                                                    category("Skills").id])
    save_module(None, version, code="M3", title="Drafting the office work plan",
                duration_minutes=240)
    save_module(None, version, code="M4", title="Protection from sexual violence",
                duration_minutes=120, optional=True,
                thematic_area_ids=[thematic("Protection").id])
    return publish_version(version, "First curriculum.")


def test_a_revision_copies_the_curriculum_and_needs_a_reason(ctx):
    first = _curriculum()
    draft = start_revision()
    assert [m.code for m in draft.modules] == ["M1", "M2", "M3", "M4"]
    with pytest.raises(FieldError):
        save_module(first.modules[0], first, code="M1", title="Changed", duration_minutes=60)
    save_module(draft.modules[1], draft, code="M2", title="Gender analysis, with exercises",
                duration_minutes=240, category_ids=[category("Tools").id])
    with pytest.raises(FieldError) as error:
        publish_version(draft)
    assert "revision" in error.value.message
    with pytest.raises(FieldError) as error:
        record_revision(draft, change="Longer M2", reason="")
    assert error.value.field == "reason"
    record_revision(draft, module_code="m2", change="M2 longer, with exercises",
                    reason="Pilot participants asked for practice.")
    publish_version(draft)
    assert current_curriculum() is draft and draft.number == 2
    assert first.modules[1].title == "Gender analysis in mission planning"  # unchanged


def test_an_office_workshop_gets_an_agenda_tailored_by_its_gaps(ctx):
    cycle, office, other, consultant = world()
    record(cycle, office, consultant, headcounts={level("Professional").id: (2, 2)},
           findings=[finding("No checklist", "Tools", "high"),
                     finding("Police unsure on SGBV", "Guidance", "high",
                             thematic_area_id=thematic("Protection").id),
                     finding("Budget is not tracked", "Institutional", "high")])
    record(cycle, other, consultant, when=datetime(2026, 2, 17, 9),
           headcounts={level("Professional").id: (1, 1)},
           findings=[finding("Little knowledge", "Knowledge", "low")])
    _curriculum()
    workshop = save_workshop(None, cycle_id=cycle.id, kind="office", office_id=office.id,
                             title="OO workshop", start_date=date(2026, 4, 14),
                             facilitator_ids=[consultant.id])
    assert workshop.end_date == date(2026, 4, 15)  # two days by default
    agenda = [(i.day, i.starts_at, i.ends_at, i.module.code) for i in workshop.agenda]
    assert agenda == [
        (1, time(9), time(10, 30), "M1"),
        (1, time(10, 30), time(14, 30), "M2"),  # three hours of work around lunch
        (2, time(9), time(14), "M3"),
        (2, time(14), time(16), "M4"),  # optional, joined for the office's protection gap
    ]
    by_code = {i.module.code: i for i in workshop.agenda}
    assert [g.title for g in by_code["M2"].gaps] == ["No checklist"]
    assert by_code["M1"].gaps == []  # the other office's knowledge gap is not this office's
    assert [g.title for g in uncovered_gaps(workshop)] == ["Budget is not tracked"]


def test_agenda_sessions_are_checked(ctx):
    cycle, office, _, consultant = world()
    _curriculum()
    workshop = save_workshop(None, cycle_id=cycle.id, kind="pilot", title="Pilot",
                             start_date=date(2026, 3, 2))
    cases = [({"day": 3}, "day"), ({"ends_at": time(8)}, "ends_at"),
             ({"title": "", "module_id": None}, "title"), ({"gap_ids": [999]}, "gap_ids")]
    for change, field in cases:
        values = {"day": 1, "starts_at": time(9), "ends_at": time(10), "title": "Opening",
                  **change}
        with pytest.raises(FieldError) as error:
            save_agenda_item(None, workshop, **values)
        assert error.value.field == field
    with pytest.raises(FieldError) as error:
        save_workshop(None, cycle_id=cycle.id, kind="pilot", title="Second pilot",
                      start_date=date(2026, 3, 9))
    assert error.value.field == "kind"
    with pytest.raises(FieldError) as error:
        save_workshop(None, cycle_id=cycle.id, kind="office", office_id=office.id,
                      title="Too late", start_date=date(2028, 3, 9))
    assert error.value.field == "start_date"


def test_participation_counts_both_days_by_sex_and_level(ctx):
    cycle, office, _, _ = world()
    _curriculum()
    people = [nominate(cycle, office, "Ana", "female", "Senior management"),
              nominate(cycle, office, "Ben", "male", "Professional"),
              nominate(cycle, office, "Cleo", "female", "Professional"),
              nominate(cycle, office, "Dan", "male", "General service")]
    workshop = save_workshop(None, cycle_id=cycle.id, kind="office", office_id=office.id,
                             title="OO", start_date=date(2026, 4, 14))
    invitations = {i.nomination.name: i.id for i in invite(workshop, [p.id for p in people])}
    record_attendance(workshop, {
        invitations["Ana"]: {1: "present", 2: "present"},
        invitations["Ben"]: {1: "present", 2: "left_early"},
        invitations["Cleo"]: {1: "present", 2: "absent"},
        invitations["Dan"]: {1: "absent", 2: "absent"},
    })
    figures = participation(workshop)
    assert figures.invited == 4 and figures.attended == 3
    assert (figures.female, figures.male, figures.female_share) == (2, 1, 67)
    assert figures.both_days == 2 and figures.all_days_share == 50
    assert [(d["day"], d["present"], d["left_early"]) for d in figures.days] == [
        (1, 3, 0), (2, 2, 1)]
    levels = {r["level"]: (r["female"], r["male"]) for r in figures.by_level}
    assert levels["Professional"] == (1, 1) and levels["General service"] == (0, 0)
    with pytest.raises(FieldError):
        record_attendance(workshop, {invitations["Ana"]: {3: "present"}})


def test_evaluation_figures_come_from_the_responses(ctx):
    cycle, _, _, _ = world()
    _curriculum()
    workshop = save_workshop(None, cycle_id=cycle.id, kind="pilot", title="Pilot",
                             start_date=date(2026, 3, 2))
    first, second = workshop.agenda[0].id, workshop.agenda[1].id
    with pytest.raises(FieldError):  # not open yet
        submit_evaluation(workshop, "device-1", usefulness="useful", ratings={})
    open_evaluation(workshop)
    answers = [("very_useful", {first: 4, second: 3}), ("very_useful", {first: 4}),
               ("useful", {first: 3, second: 2}), ("useful", {second: 1}),
               ("somewhat_useful", {}), ("not_useful", {first: 1})]
    for n, (usefulness, ratings) in enumerate(answers):
        submit_evaluation(workshop, f"device-{n}", usefulness=usefulness, ratings=ratings,
                          keep="Group work", change="More time")
    with pytest.raises(FieldError):  # one response per device
        submit_evaluation(workshop, "device-0", usefulness="useful", ratings={})
    figures = evaluation_figures([workshop.id])
    assert figures.responses == 6 and figures.useful == 4
    assert figures.useful_share == 67 and figures.share("very_useful") == 33
    sessions = {s["item"].id: s for s in figures.sessions}
    assert (sessions[first]["responses"], sessions[first]["average"]) == (4, 3.0)
    assert sessions[first]["useful_share"] == 75
    assert (sessions[second]["average"], sessions[second]["useful_share"]) == (2.0, 33)
    close_evaluation(workshop)
    assert workshop.status == "evaluated"
    with pytest.raises(FieldError) as error:
        submit_evaluation(workshop, "device-new", usefulness="useful", ratings={})
    assert "closed" in error.value.message
    db.session.flush()


def test_the_share_of_nominated_people_at_every_day_counts_those_not_invited(ctx):
    cycle, office, _, _ = world()
    _curriculum()
    people = [nominate(cycle, office, f"Person {n}", "female", "Professional")
              for n in range(5)]
    workshop = save_workshop(None, cycle_id=cycle.id, kind="office", office_id=office.id,
                             title="OO", start_date=date(2026, 4, 14))
    invitations = invite(workshop, [p.id for p in people[:4]])
    record_attendance(workshop, {i.id: {1: "present", 2: "present"} for i in invitations[:2]})
    figures = participation(workshop)
    assert (figures.invited, figures.nominated, figures.both_days) == (4, 5, 2)
    assert (figures.all_days_share, figures.nominated_all_days_share) == (50, 40)


def test_modules_that_do_not_fit_the_days_are_left_out_of_the_proposal(ctx):
    cycle, _, _, _ = world()
    version = start_revision()
    for n in range(1, 8):
        save_module(None, version, code=f"M{n}", title=f"Module {n}", duration_minutes=240)
    publish_version(version)
    workshop = save_workshop(None, cycle_id=cycle.id, kind="pilot", title="Pilot",
                             start_date=date(2026, 3, 2), end_date=date(2026, 3, 2))
    times = [(i.starts_at, i.ends_at) for i in workshop.agenda]
    assert times == [(time(9), time(14)), (time(14), time(18))]  # then 20:00 is reached
