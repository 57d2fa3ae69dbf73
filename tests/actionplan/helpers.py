"""Five office plans with known figures, for the departmental plan's tests.

Figures worked out by hand from the plans below (amounts in US dollars, None = not known):

    office  activity (area / strategy)                                core   extra  ind.
    OO      a1 Train senior managers on gender mainstreaming          10000   5000   2
               (Participation / Capacity-building)
    OO      a2 Gender checklist for mission planning                   2000   None   1
               (Normative / Policy development)
    PD      b1 Gender mainstreaming training for senior managers       None  20000   1
               (Participation / Capacity-building)
    PD      b2 Protocol for police response to sexual violence        15000      0   2
               (Protection / Policy development)
    MILDIV  c1 Training of senior managers on gender mainstreaming     8000   8000   1
               (Participation / Capacity-building)
    MILDIV  c2 Advocacy campaign on women in peace operations          3000   None   0
               (Participation / Advocacy)
    OMS     d1 Gender checklist for mission planning                   1000   1000   1
               (Normative / Advocacy)
    PBPS    (submitted, not approved) Train senior managers on gender mainstreaming

    7 activities, 8 indicators; core 39,000 (1 not known), extra 34,000 (2 not known), 3
    activities with an amount not known; 4 offices of 5 with an approved plan.
    Overlaps: a1, b1 and c1 alike (scores 89, 94, 90); a2 and d1 share a title but not a
    strategy; c2 has no like in another office.
"""

from datetime import date
from decimal import Decimal

from tests.assessment.helpers import finding, level, record, ref, world
from tests.factories import OfficeFactory, make_user
from workshop.admin.models import Strategy, ThematicArea
from workshop.extensions import db
from workshop.workplans.services import (
    ActivityInput,
    IndicatorInput,
    approve_plan,
    plan_for,
    save_activity,
    save_indicator,
    save_objective,
    submit_plan,
)

AREAS = ["Prevention", "Participation", "Protection", "Relief and recovery", "Normative"]
STRATEGIES = ["Policy development", "Advocacy", "Capacity-building",
              "Partnership and networking", "Provision of goods and services"]


def _area(name):
    return ref(ThematicArea, name).id


def _strategy(name):
    return ref(Strategy, name).id


def _activity(objective, title, area, strategy, core, extra, indicators=1, gaps=()):
    activity = save_activity(None, objective, ActivityInput(
        title=title, thematic_area_id=_area(area), strategy_id=_strategy(strategy),
        starts_on=date(2026, 7, 1), ends_on=date(2027, 6, 30),
        cost_core=None if core is None else Decimal(core),
        cost_extra=None if extra is None else Decimal(extra),
        responsible="Focal point", gap_ids=tuple(gaps)))
    for n in range(indicators):
        save_indicator(None, activity, IndicatorInput(
            statement=f"{title}: measure {n + 1}", baseline_value=str(n), target_value="10",
            baseline_date=date(2026, 6, 1), target_date=date(2027, 6, 30)))
    return activity


def _plan(cycle, office, reviewer, rows, approve=True):
    plan = plan_for(cycle.id, office.id)
    objective = save_objective(None, plan, title=f"Gender in the work of {office.acronym}")
    activities = [_activity(objective, *row) for row in rows]
    submit_plan(plan, reviewer)
    if approve:
        approve_plan(plan, reviewer)
    return plan, activities


def five_plans() -> dict:
    """The cycle, offices, users and records described above; returns their ids."""
    cycle, oo, pd, consultant = world()
    mildiv, oms = OfficeFactory(acronym="MILDIV"), OfficeFactory(acronym="OMS")
    pbps = OfficeFactory(acronym="PBPS")
    adviser = make_user("gender_unit", email="adviser@example.org", name="Gender Adviser")
    session = record(cycle, oo, consultant, headcounts={level("Professional").id: (2, 1)},
                     findings=[
        finding("Managers do not lead on gender", "Skills", "high"),
        finding("No protocol for survivors", "Guidance", "high"),
        finding("Few women speakers", "Knowledge", "medium"),
        finding("No gender expertise in best practices", "Tools", "high")])
    g1, g2, g3, g4 = (f.gap for f in session.findings)
    plan_oo, (a1, a2) = _plan(cycle, oo, adviser, [
        ("Train senior managers on gender mainstreaming", "Participation",
         "Capacity-building", 10000, 5000, 2, [g1.id]),
        ("Gender checklist for mission planning", "Normative", "Policy development", 2000,
         None, 1)])
    plan_pd, (b1, b2) = _plan(cycle, pd, adviser, [
        ("Gender mainstreaming training for senior managers", "Participation",
         "Capacity-building", None, 20000, 1),
        ("Protocol for police response to sexual violence", "Protection",
         "Policy development", 15000, 0, 2)])
    plan_mildiv, (c1, c2) = _plan(cycle, mildiv, adviser, [
        ("Training of senior managers on gender mainstreaming", "Participation",
         "Capacity-building", 8000, 8000, 1),
        ("Advocacy campaign on women in peace operations", "Participation", "Advocacy",
         3000, None, 0)])
    plan_oms, (d1,) = _plan(cycle, oms, adviser, [
        ("Gender checklist for mission planning", "Normative", "Advocacy", 1000, 1000, 1)])
    plan_pbps, (e1,) = _plan(cycle, pbps, adviser, [
        ("Train senior managers on gender mainstreaming", "Participation",
         "Capacity-building", 500, 500, 1, [g4.id])], approve=False)
    viewer = make_user("viewer", email="viewer@example.org", name="Senior Manager")
    focal = make_user("focal_point", office=oo, email="focal@example.org", name="OO Focal")
    db.session.commit()
    return {
        "login": {"adviser": adviser.get_id(), "viewer": viewer.get_id(),
                  "focal": focal.get_id()},
        "cycle": cycle.id, "adviser": adviser.id, "consultant": consultant.id,
        "offices": {o.acronym: o.id for o in (oo, pd, mildiv, oms, pbps)},
        "plans": {"OO": plan_oo.id, "PD": plan_pd.id, "MILDIV": plan_mildiv.id,
                  "OMS": plan_oms.id, "PBPS": plan_pbps.id},
        "activities": {"a1": a1.id, "a2": a2.id, "b1": b1.id, "b2": b2.id, "c1": c1.id,
                       "c2": c2.id, "d1": d1.id, "e1": e1.id},
        "gaps": {"g1": g1.code, "g2": g2.code, "g3": g3.code, "g4": g4.code},
    }
