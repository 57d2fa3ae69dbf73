"""The needs-assessment week that `flask demo-data` tells for the current cycle."""

from collections import Counter
from datetime import time

import pytest
from sqlalchemy import func, select

from tests.conftest import _empty_tables
from tests.demo import active_cycle, run_demo
from workshop.admin.models import Office
from workshop.admin.seed import seed_reference_lists
from workshop.assessment.demo import THEMES
from workshop.assessment.models import (
    PRIORITY_RANK,
    AssessmentSession,
    Finding,
    Gap,
    Nomination,
)
from workshop.assessment.queries import register, summary
from workshop.assessment.services import nomination_coverage
from workshop.auth.models import User
from workshop.extensions import db


def _sessions(cycle) -> list[AssessmentSession]:
    return db.session.scalars(select(AssessmentSession).where(
        AssessmentSession.cycle_id == cycle.id).order_by(AssessmentSession.id)).all()


def test_every_office_nominates_and_meets_staff_during_the_milestone(app, runner):
    output = run_demo(runner)
    assert "Needs assessment" in output and "60 findings in 18 gaps" in output
    with app.app_context():
        cycle = active_cycle()
        offices = db.session.scalars(select(Office)).all()
        assert len(offices) == 5
        coverage = nomination_coverage(cycle.id, [o.id for o in offices])
        for office in offices:
            c = coverage[office.id]
            assert 10 <= c.total <= 14, office.acronym
            assert 40 <= c.female_share <= 55, office.acronym
            assert "Senior management" not in c.missing_levels
            assert len(c.functions) - len(c.missing_functions) >= 2
        # One office left a level out, so its coverage warning shows.
        assert [c.missing_levels for c in coverage.values() if c.missing_levels] == [
            ["Field and national staff"]]
        nominations = db.session.scalars(select(Nomination)).all()
        assert all(n.job_title and n.nominated_by for n in nominations)
        assert 0 < sum(1 for n in nominations if n.email) < len(nominations)

        milestone = next(m for m in cycle.milestones if m.stage == "needs_assessment")
        first = milestone.actual_start or milestone.planned_start
        last = milestone.actual_end or milestone.planned_end
        sessions = _sessions(cycle)
        by_office = Counter(s.office_id for s in sessions)
        assert set(by_office) == {o.id for o in offices}
        assert all(3 <= n <= 4 for n in by_office.values())
        for office in offices:
            own = [s for s in sessions if s.office_id == office.id]
            assert {s.format for s in own} == {"individual", "group"}
            assert any(not s.participants and s.anonymous_count for s in own)  # anonymous
            heads = [s for s in own if s.format == "individual"
                     and s.participants[0].level.name == "Senior management"]
            assert heads, office.acronym  # the head of office was interviewed
        booked = Counter()
        for s in sessions:
            assert first <= s.held_at.date() <= last and s.held_at.weekday() < 5
            assert time(9) <= s.held_at.time() <= time(16)
            assert 1 <= len(s.consultants) <= 2 and s.recorded_by in s.consultants
            assert s.topics and s.notes
            booked.update((c.id, s.held_at) for c in s.consultants)
        assert max(booked.values()) == 1  # nobody is in two sessions at once
        assert len({c for c, _ in booked}) == 4
        assert 2 <= sum(s.notes_confidential for s in sessions) <= 4
        assert any(s.participants and s.headcounts for s in sessions)  # named and counted


def test_findings_fall_into_department_wide_gaps(app, runner):
    run_demo(runner)
    with app.app_context():
        cycle = active_cycle()
        findings = db.session.scalars(select(Finding)).all()
        assert 50 <= len(findings) <= 70
        rows = register(cycle.id)
        assert 15 <= len(rows) <= 20
        assert max(r.offices for r in rows) >= 3
        assert sum(r.frequency for r in rows) == len(findings)
        high = sum(r.gap.priority == "high" for r in rows)
        assert 0.25 <= high / len(rows) <= 0.45
        for finding in findings:
            gap = finding.gap
            assert gap.merged_into_id is None
            assert PRIORITY_RANK[finding.priority] >= PRIORITY_RANK[gap.priority]
            assert finding.resources and finding.thematic_area_id
        assert any(f.quote for f in findings)
        titles = {r.gap.title for r in rows}
        assert titles == {t.title for t in THEMES.values()}
        # One finding was first filed as a gap of its own and grouped afterwards.
        merged = db.session.scalars(select(Gap).where(Gap.merged_into_id.is_not(None))).all()
        assert len(merged) == 1 and merged[0].current().title in titles


def test_summary_figures_add_up(app, runner):
    run_demo(runner)
    with app.app_context():
        cycle = active_cycle()
        result = summary(cycle)
        sessions = _sessions(cycle)
        assert result.sessions_total == len(sessions)
        assert result.sessions["individual"] and result.sessions["group"]
        assert result.people_total > 0
        assert result.people_total == sum(row["people"] for row in result.offices)
        assert 35 <= result.female_share <= 60
        assert result.nominated == db.session.scalar(select(func.count(Nomination.id)))
        assert 0 < result.nominated_met < result.nominated
        assert result.findings == db.session.scalar(select(func.count(Finding.id)))
        assert result.gaps == len(register(cycle.id))
        ranks = [PRIORITY_RANK[row.gap.priority] for row in result.top_gaps]
        assert ranks == sorted(ranks) and ranks[0] == 0
        assert all(r["findings"] for r in result.resources)


def test_the_demo_reads_well_in_the_pages(app, runner, client, auth):
    run_demo(runner)
    with app.app_context():
        adviser = db.session.scalar(select(User).where(
            User.email == "gender.adviser@example.org")).get_id()
        session = db.session.scalar(select(AssessmentSession.id).where(
            AssessmentSession.notes_confidential))
        gap = register(active_cycle().id)[0].gap.id
        office = db.session.scalar(select(Office.id).where(Office.acronym == "PD"))
    auth.login(adviser)
    index = client.get("/assessment/")
    assert index.status_code == 200
    assert "No one at Field and national staff" in index.text
    for path in ("/assessment/sessions", "/assessment/findings", "/assessment/gaps",
                 "/assessment/nominations", "/assessment/summary",
                 f"/assessment/sessions/{session}", f"/assessment/gaps/{gap}",
                 f"/assessment/offices/{office}", f"/assessment/offices/{office}/gaps",
                 f"/assessment/offices/{office}/summary"):
        assert client.get(path).status_code == 200, path


def _fingerprint() -> list:
    rows = []
    for s in db.session.scalars(select(AssessmentSession).order_by(AssessmentSession.id)):
        rows.append((s.office.acronym, s.held_at, s.format, [c.email for c in s.consultants],
                     [p.name for p in s.participants],
                     [(f.title, f.gap.number) for f in s.findings]))
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


@pytest.mark.parametrize("scale", [2])
def test_a_larger_department_shares_the_same_register(app, runner, scale):
    output = run_demo(runner, "--scale", str(scale))
    assert "share a consultant" not in output
    with app.app_context():
        cycle = active_cycle()
        rows = register(cycle.id)
        assert 15 <= len(rows) <= 20
        assert max(r.offices for r in rows) >= 3 * scale
        assert db.session.scalar(select(func.count(Finding.id))) == 60 * scale
        booked = Counter((c.id, s.held_at) for s in _sessions(cycle) for c in s.consultants)
        assert max(booked.values()) == 1
        emails = db.session.scalars(select(Nomination.email).where(
            Nomination.email.is_not(None))).all()
        assert len(emails) == len(set(emails))
