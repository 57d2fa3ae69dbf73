"""The curriculum, the pilot and the office workshops that `flask demo-data` tells."""

from collections import Counter

from sqlalchemy import func, select

from tests.conftest import _empty_tables
from tests.demo import active_cycle, run_demo, stage_window
from workshop.admin.models import Office
from workshop.admin.seed import seed_reference_lists
from workshop.assessment.models import Nomination
from workshop.assessment.queries import register
from workshop.extensions import db
from workshop.workshops.models import (
    CurriculumVersion,
    EvaluationResponse,
    Invitation,
    SessionRating,
    Workshop,
)
from workshop.workshops.services import evaluation_figures, participation


def _workshops(kind=None) -> list[Workshop]:
    query = select(Workshop).order_by(Workshop.id)
    if kind:
        query = query.where(Workshop.kind == kind)
    return db.session.scalars(query).all()


def _versions() -> list[CurriculumVersion]:
    return db.session.scalars(select(CurriculumVersion).order_by(CurriculumVersion.number)).all()


def test_the_curriculum_is_revised_after_the_pilot(app, runner):
    output = run_demo(runner)
    assert "Workshops" in output and "5 office workshops" in output
    with app.app_context():
        first, second = _versions()
        assert (first.number, second.number) == (1, 2)
        assert first.status == second.status == "published"
        assert second.based_on_id == first.id
        assert 8 <= len(first.modules) <= 10
        for module in first.modules:
            assert module.objectives and module.method, module.code
            assert 60 <= module.duration_minutes <= 240, module.code
            assert module.categories and module.thematic_areas, module.code
        assert [m.code for m in first.modules if m.optional] == ["M7"]
        assert {c.name for m in first.modules for c in m.categories} == {
            "Knowledge", "Skills", "Tools", "Guidance", "Institutional"}

        (pilot,) = _workshops("pilot")
        assert 2 <= len(second.revisions) <= 3
        for revision in second.revisions:
            assert revision.workshop_id == pilot.id
            assert revision.change and revision.module_code
            assert "pilot" in revision.reason.lower()
        # The revisions say what changed between the versions, and it did change.
        before = {m.code: m for m in first.modules}
        after = {m.code: m for m in second.modules}
        for revision in second.revisions:
            old, new = before[revision.module_code], after[revision.module_code]
            assert (old.title, old.objectives, old.method, old.duration_minutes) != (
                new.title, new.objectives, new.method, new.duration_minutes)
        assert after["M3"].duration_minutes > before["M3"].duration_minutes
        assert second.minutes <= 2 * 7 * 60  # two days of seven hours


def test_the_pilot_and_every_office_hold_an_evaluated_workshop(app, runner):
    run_demo(runner)
    with app.app_context():
        cycle = active_cycle()
        first, second = _versions()
        offices = db.session.scalars(select(Office)).all()
        (pilot,) = _workshops("pilot")
        held = _workshops("office")
        assert sorted(w.office_id for w in held) == sorted(o.id for o in offices)

        start, end = stage_window(cycle, "pilot")
        assert start <= pilot.start_date and pilot.end_date <= end
        assert pilot.curriculum_version_id == first.id
        assert pilot.observations
        invited = db.session.scalars(select(Invitation).where(
            Invitation.workshop_id == pilot.id)).all()
        assert 12 <= len(invited) <= 18
        assert len({i.nomination.office_id for i in invited}) == 5

        start, end = stage_window(cycle, "office_workshops")
        for workshop in [pilot, *held]:
            assert workshop.cycle_id == cycle.id and workshop.status == "evaluated"
            assert not workshop.evaluation_open
            assert workshop.days == 2
            assert workshop.start_date.weekday() < 5 and workshop.end_date.weekday() < 5
            assert workshop.facilitators
            # The agenda links the gaps of the register: the office's own, or the department's
            # for the pilot.
            assert workshop.agenda and {i.day for i in workshop.agenda} == {1, 2}
            linked = {g.id for i in workshop.agenda for g in i.gaps}
            assert linked and sum(bool(i.gaps) for i in workshop.agenda) >= 5
            assert linked <= {r.gap.id for r in register(cycle.id, workshop.office_id)}
            figures = participation(workshop)
            assert all(d["present"] for d in figures.days)
            assert 0 < figures.invited - figures.both_days <= 4  # a few absences
            assert any(d["left_early"] for d in figures.days)
        for workshop in held:
            assert workshop.curriculum_version_id == second.id
            assert start <= workshop.start_date and workshop.end_date <= end
            nominated = db.session.scalar(select(func.count(Nomination.id)).where(
                Nomination.office_id == workshop.office_id))
            invited = db.session.scalar(select(func.count(Invitation.id)).where(
                Invitation.workshop_id == workshop.id))
            assert invited >= 10 and nominated - 2 <= invited <= nominated  # most of them
            assert workshop.observations
        # Spread over the milestone, one office at a time.
        assert len({w.start_date for w in held}) == 5
        dates = sorted(w.start_date for w in held)
        assert all((b - a).days >= 7 for a, b in zip(dates, dates[1:], strict=False))
        # Tailored: the optional protection module joins only where a high-priority gap
        # calls for it.
        optional = [any(i.module and i.module.optional for i in w.agenda) for w in held]
        assert 0 < sum(optional) < len(held)


def test_the_evaluations_add_up_to_a_believable_figure(app, runner):
    run_demo(runner)
    with app.app_context():
        workshops = _workshops()
        overall = evaluation_figures([w.id for w in workshops])
        assert 80 <= overall.useful_share <= 95
        shares = {}
        for workshop in workshops:
            figures = evaluation_figures([workshop.id])
            present = participation(workshop).days[-1]["present"]
            assert 8 <= figures.responses <= min(15, present), workshop.title
            shares[workshop.office.acronym if workshop.office else "pilot"] = \
                figures.useful_share
            rated = [s for s in figures.sessions if s["responses"]]
            assert len(rated) == len(workshop.agenda)
            assert all(1 <= s["average"] <= 4 for s in rated)
        assert 85 <= shares.pop("pilot") <= 92
        low = [office for office, share in shares.items() if share < 85]
        assert len(low) == 1 and shares[low[0]] >= 65
        assert 88 <= round(sum(shares.values()) / len(shares)) <= 95
        # The pilot's lowest-rated sessions are the ones the revision changed.
        (pilot,) = _workshops("pilot")
        by_code = {s["item"].module.code: s["average"]
                   for s in evaluation_figures([pilot.id]).sessions}
        assert min(by_code, key=by_code.get) in {r.module_code for r in _versions()[1].revisions}
        comments = db.session.scalars(select(EvaluationResponse).where(
            EvaluationResponse.workshop_id == pilot.id)).all()
        assert any(r.keep for r in comments) and any(r.change for r in comments)
        assert any("exercise" in r.change for r in comments)


def _fingerprint() -> list:
    rows = []
    for w in _workshops():
        responses = db.session.scalars(select(EvaluationResponse).where(
            EvaluationResponse.workshop_id == w.id).order_by(EvaluationResponse.id)).all()
        invited = db.session.scalars(select(Invitation).where(
            Invitation.workshop_id == w.id).order_by(Invitation.id)).all()
        place = {item.id: n for n, item in enumerate(w.agenda)}
        rows.append((w.kind, w.office.acronym if w.office else None, w.start_date, w.end_date,
                     w.curriculum_version.number, [u.email for u in w.facilitators],
                     [(i.day, i.starts_at, i.module.code, [g.number for g in i.gaps])
                      for i in w.agenda],
                     [i.nomination.name for i in invited],
                     [d["present"] for d in participation(w).days],
                     [(r.usefulness, r.keep, r.change,
                       sorted((place[s.agenda_item_id], s.rating) for s in r.ratings))
                      for r in responses]))
    return rows


def test_the_demo_is_the_same_every_time(app, runner):
    run_demo(runner)
    with app.app_context():
        first = _fingerprint()
        db.session.remove()
        _empty_tables()
        seed_reference_lists()
        db.session.commit()
    run_demo(runner)
    with app.app_context():
        assert _fingerprint() == first


def test_a_larger_department_gets_a_workshop_per_office(app, runner):
    output = run_demo(runner, "--scale", "2")
    assert "10 office workshops" in output
    with app.app_context():
        held = _workshops("office")
        assert len(held) == len({w.office_id for w in held}) == 10
        assert len(_workshops("pilot")) == 1
        second = _versions()[-1]
        assert all(w.curriculum_version_id == second.id for w in held)
        assert all(w.status == "evaluated" for w in held)
        per_workshop = Counter(db.session.scalars(select(EvaluationResponse.workshop_id)))
        assert all(8 <= per_workshop[w.id] <= 15 for w in held)
        assert 80 <= evaluation_figures([w.id for w in _workshops()]).useful_share <= 95
        assert db.session.scalar(select(func.count(SessionRating.id))) > 0
