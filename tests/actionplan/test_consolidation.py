"""The departmental plan's figures, coverage, gaps and overlaps against hand-computed values."""

from decimal import Decimal

from tests.actionplan.helpers import five_plans
from workshop.actionplan.services import live
from workshop.admin.models import PlanCycle
from workshop.extensions import db


def _live(ids):
    return live(db.session.get(PlanCycle, ids["cycle"]))


def test_five_plans_consolidate_to_known_figures(ctx):
    ids = five_plans()
    c = _live(ids)
    t = c.totals
    assert (t.activities, t.indicators, t.offices) == (7, 8, 4)
    assert (t.core, t.extra, t.total) == (Decimal(39000), Decimal(34000), Decimal(73000))
    assert (t.core_unknown, t.extra_unknown, t.unknown) == (1, 2, 3)
    assert c.offices_total == 5
    area = {f.label: (f.activities, f.indicators, f.core, f.extra) for f in c.by_area}
    assert area == {
        "Prevention": (0, 0, 0, 0),
        "Participation": (4, 4, Decimal(21000), Decimal(33000)),
        "Protection": (1, 2, Decimal(15000), Decimal(0)),
        "Relief and recovery": (0, 0, 0, 0),
        "Normative": (2, 2, Decimal(3000), Decimal(1000)),
    }
    strategy = {f.label: (f.activities, f.core, f.extra) for f in c.by_strategy}
    assert strategy == {
        "Policy development": (2, Decimal(17000), Decimal(0)),
        "Advocacy": (2, Decimal(4000), Decimal(1000)),
        "Capacity-building": (3, Decimal(18000), Decimal(33000)),
        "Partnership and networking": (0, 0, 0),
        "Provision of goods and services": (0, 0, 0),
    }
    office = {f.label: (f.activities, f.indicators, f.total, f.unknown) for f in c.by_office}
    assert office == {"MILDIV": (2, 1, Decimal(19000), 1), "OMS": (1, 1, Decimal(2000), 0),
                      "OO": (2, 3, Decimal(17000), 1), "PD": (2, 3, Decimal(35000), 1)}


def test_every_cell_of_the_coverage_matrix(ctx):
    ids = five_plans()
    c = _live(ids)
    matrix = {(o["acronym"], area): (c.cell(o["id"], area).activities,
                                     c.cell(o["id"], area).total)
              for o in c.offices for area in c.areas}
    expected = {(o, a): (0, 0) for o in ("MILDIV", "OMS", "OO", "PD") for a in c.areas}
    expected.update({("OO", "Participation"): (1, 15000), ("OO", "Normative"): (1, 2000),
                     ("PD", "Participation"): (1, 20000), ("PD", "Protection"): (1, 15000),
                     ("MILDIV", "Participation"): (2, 19000), ("OMS", "Normative"): (1, 2000)})
    assert matrix == expected
    # Row and column totals agree with the matrix.
    assert sum(v[0] for v in matrix.values()) == c.totals.activities
    assert sum(v[1] for v in matrix.values()) == c.totals.total


def test_gaps_name_what_no_approved_activity_covers(ctx):
    ids = five_plans()
    gaps = _live(ids).gaps
    assert gaps.areas_without == ["Prevention", "Relief and recovery"]
    assert gaps.strategies_without == ["Partnership and networking",
                                       "Provision of goods and services"]
    assert {o["acronym"]: areas for o, areas in gaps.office_areas_without} == {
        "MILDIV": ["Prevention", "Protection", "Relief and recovery", "Normative"],
        "OMS": ["Prevention", "Participation", "Protection", "Relief and recovery"],
        "OO": ["Prevention", "Protection", "Relief and recovery"],
        "PD": ["Prevention", "Relief and recovery", "Normative"]}
    assert {o["acronym"]: s for o, s in gaps.office_strategies_without}["OMS"] == [
        "Policy development", "Capacity-building", "Partnership and networking",
        "Provision of goods and services"]
    # G-01 is answered by OO; G-04 only by PBPS, whose plan is not approved; G-03 is medium.
    assert [g["code"] for g in gaps.unanswered_gaps] == [ids["gaps"]["g2"], ids["gaps"]["g4"]]
    assert [(o["acronym"], o["plan_status"]) for o in gaps.offices_without_plan] == [
        ("PBPS", "submitted")]


def test_overlaps_group_alike_activities_of_different_offices(ctx):
    ids = five_plans()
    a = ids["activities"]
    c = _live(ids)
    pairs = {(p.first["id"], p.second["id"]): p.score for p in c.overlaps}
    assert pairs == {(a["a1"], a["b1"]): 89, (a["a1"], a["c1"]): 94, (a["b1"], a["c1"]): 90}
    assert [[x["office"] for x in g.activities] for g in c.groups] == [["OO", "PD", "MILDIV"]]
    assert c.groups[0].score == 94

