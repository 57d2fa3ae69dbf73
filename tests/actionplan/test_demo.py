"""The departmental action plan that `flask demo-data` tells: version 1 published with all five
offices, then the Best Practices Section's plan reopened, so the live plan counts four."""

from sqlalchemy import select

from tests.demo import active_cycle, run_demo, stage_window
from workshop.actionplan.consolidation import consolidate
from workshop.actionplan.models import ActionPlanVersion, OverlapDecision
from workshop.actionplan.services import live
from workshop.auth.models import User
from workshop.core.models import today
from workshop.extensions import db
from workshop.workplans.models import WorkPlan

ADVISER = "gender.adviser@example.org"


def _acronyms(offices) -> list[str]:
    return sorted(o["acronym"] for o in offices)


def test_version_1_holds_five_offices_and_the_live_plan_four(app, runner, client, auth):
    output = run_demo(runner)
    line = next(t for t in output.splitlines() if t.startswith("Action plan"))
    assert "version 1" in line and "5 offices" in line and "4 approved offices of 5" in line
    with app.app_context():
        cycle = active_cycle()
        version = db.session.scalar(select(ActionPlanVersion))
        assert version.number == 1 and version.published
        assert version.finalised_by.email == version.published_by.email == ADVISER
        # Finalised and published on weekdays of the consolidation milestone, before today.
        first, last = stage_window(cycle, "consolidation")
        assert first <= version.created_at.date() <= version.published_at.date() <= last
        assert version.published_at.date() < today()
        assert version.created_at.weekday() < 5 and version.published_at.weekday() < 5

        frozen = consolidate(version.content)
        now = live(cycle)
        assert _acronyms(frozen.offices) == ["MILDIV", "OMS", "OO", "PBPS", "PD"]
        assert frozen.gaps.offices_without_plan == []
        assert _acronyms(now.offices) == ["MILDIV", "OMS", "OO", "PD"]
        assert _acronyms(now.gaps.offices_without_plan) == ["PBPS"]
        pbps = db.session.scalar(select(WorkPlan).where(WorkPlan.office.has(acronym="PBPS")))
        assert pbps.status == "draft" and [v.outcome for v in pbps.versions] == ["approved"]
        # Version 1 still holds PBPS's activities as they were approved; the live plan has
        # none of them, and the activity added since is in neither.
        approved = {a["title"] for o in pbps.versions[0].content["objectives"]
                    for a in o["activities"]}
        assert {a["title"] for a in frozen.data["activities"] if a["office"] == "PBPS"} == \
            approved
        assert not any(a["office"] == "PBPS" for a in now.data["activities"])
        added = [a for o in pbps.objectives for a in o.activities if a.title not in approved]
        assert len(added) == 1
        assert frozen.totals.activities == now.totals.activities + len(approved)

        # Overlaps: a few groups of alike activities of different offices, each pair with the
        # same thematic area and strategy, and one pair decided before finalisation.
        assert 2 <= len(now.groups) <= 3 and len(frozen.groups) == len(now.groups) + 1
        for group in now.groups:
            assert len({a["office"] for a in group.activities}) == len(group.activities)
            assert len({(a["thematic_area"], a["strategy"]) for a in group.activities}) == 1
        decision = db.session.scalar(select(OverlapDecision))
        assert decision.decision == "coordinate" and decision.note
        assert decision.decided_by.email == ADVISER
        assert first <= decision.updated_at.date() <= version.created_at.date()
        decided = [(p.first["office"], p.second["office"]) for p in frozen.decided]
        assert decided == [(p.first["office"], p.second["office"]) for p in now.decided]
        assert sorted(decided[0]) == ["MILDIV", "PD"]

        # Three departmental objectives count most activities; relief and recovery do not.
        assert [o["code"] for o in frozen.data["objectives"]] == ["D1", "D2", "D3"]
        unmapped = next(f for f in frozen.by_objective if not f.key)
        assert unmapped.activities == sum(a["thematic_area"] == "Relief and recovery"
                                          for a in frozen.data["activities"]) > 0
        assert unmapped.activities <= 0.1 * frozen.totals.activities
        assert all(f.activities for f in frozen.by_objective if f.key)

        # Gaps the Gender Unit can act on: a strategy no office uses, and a high-priority
        # need nothing answers, which the activity added to PBPS's plan is meant to answer.
        assert now.gaps.strategies_without == ["Provision of goods and services"]
        assert frozen.gaps.strategies_without == ["Provision of goods and services"]
        unanswered = [g["code"] for g in now.gaps.unanswered_gaps]
        assert len(unanswered) == 1
        assert [g["code"] for g in frozen.gaps.unanswered_gaps] == unanswered
        assert [g.code for g in added[0].gaps] == unanswered

        viewer = db.session.scalar(select(User).where(User.email == "viewer@example.org"))
        auth.login(viewer)
    # A reader is sent to the published version, which names all five offices.
    page = client.get("/action-plan/", follow_redirects=True)
    assert page.status_code == 200
    assert "Version 1" in page.text and "Comfort Lamptey" in page.text
    assert all(acronym in page.text for acronym in ("MILDIV", "OMS", "OO", "PBPS", "PD"))


def test_each_copy_of_the_department_tells_the_same_story(app, runner):
    output = run_demo(runner, "--scale", "2")
    assert "10 offices" in output and "8 approved offices of 10" in output
    assert "2 plans reopened to add an activity (PBPS, PBPS2)" in output
    with app.app_context():
        cycle = active_cycle()
        frozen = consolidate(db.session.scalar(select(ActionPlanVersion)).content)
        assert len(frozen.offices) == 10 and len(live(cycle).offices) == 8
        pairs = sorted(sorted((p.first["office"], p.second["office"])) for p in frozen.decided)
        assert pairs == [["MILDIV", "PD"], ["MILDIV2", "PD2"]]
