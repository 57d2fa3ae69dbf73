"""Sessions, findings and the gap register: what consultants record and what it adds up to."""

from datetime import datetime

import pytest

from tests.assessment.helpers import finding, level, nominate, record, world
from workshop.assessment.models import Gap
from workshop.assessment.queries import register, summary
from workshop.assessment.services import (
    FindingInput,
    group_findings,
    merge_gaps,
    nomination_coverage,
    save_session,
    split_finding,
)
from workshop.core.audit import AuditEntry
from workshop.core.validation import FieldError
from workshop.extensions import db


def test_each_new_finding_opens_a_gap_with_a_stable_number(ctx):
    cycle, office, _, consultant = world()
    session = record(cycle, office, consultant, headcounts={level("Professional").id: (3, 2)},
                     findings=[finding("No gender checklist for mission plans", "Tools", "high"),
                               finding("Little knowledge of resolution 1325", "Knowledge")])
    gaps = [f.gap for f in session.findings]
    assert [g.code for g in gaps] == ["G-01", "G-02"]
    assert gaps[0].title == "No gender checklist for mission plans"
    assert gaps[0].priority == "high"


def test_grouping_findings_keeps_the_oldest_gap_and_counts_frequency_and_levels(ctx):
    cycle, office, other, consultant = world()
    director = nominate(cycle, office, "A Director", "male", "Senior management")
    first = record(cycle, office, consultant, format="individual", participants=[director],
                   findings=[finding("No checklist", "Tools", "medium")])
    second = record(cycle, other, consultant, when=datetime(2026, 2, 17, 14, 0),
                    headcounts={level("General service").id: (4, 1)},
                    findings=[finding("Planning lacks a gender checklist", "Tools", "high"),
                              finding("Data not disaggregated by sex", "Tools", "low")])
    a, b = first.findings[0], second.findings[0]
    gap = group_findings([b, a])
    db.session.flush()
    assert gap.code == "G-01"
    assert gap.priority == "high"  # raised to the most urgent finding filed under it
    emptied = db.session.get(Gap, 2)  # the gap the high-priority finding opened
    assert emptied.merged_into_id == gap.id and emptied.current() is gap
    rows = {row.gap.code: row for row in register(cycle.id)}
    assert (rows["G-01"].frequency, rows["G-01"].levels, rows["G-01"].offices) == (2, 2, 2)
    assert "G-02" not in rows  # merged gaps leave the register
    assert [r.gap.code for r in register(cycle.id)] == ["G-01", "G-03"]  # high before low
    office_rows = register(cycle.id, office.id)
    assert [(r.gap.code, r.frequency, r.levels) for r in office_rows] == [("G-01", 1, 1)]


def test_merging_gaps_moves_findings_and_redirects_earlier_merges(ctx):
    cycle, office, _, consultant = world()
    s = record(cycle, office, consultant, headcounts={level("Professional").id: (2, 2)},
               findings=[finding(f"Finding {n}") for n in range(1, 5)])
    g1, g2, g3, g4 = (f.gap for f in s.findings)
    merge_gaps(g2, [g3])
    merge_gaps(g1, [g2, g4])
    db.session.flush()
    assert {f.gap_id for f in s.findings} == {g1.id}
    assert g3.merged_into_id == g1.id  # no chain through g2
    with pytest.raises(FieldError):
        merge_gaps(g1, [g1])


def test_splitting_a_finding_out_gives_it_a_new_gap(ctx):
    cycle, office, _, consultant = world()
    s = record(cycle, office, consultant, headcounts={level("Professional").id: (1, 1)},
               findings=[finding("One"), finding("Two")])
    gap = group_findings(s.findings)
    new = split_finding(s.findings[1])
    assert new.code == "G-03" and s.findings[0].gap is gap


def test_summary_counts_people_once_and_lists_top_gaps_in_order(ctx):
    cycle, office, other, consultant = world()
    ana = nominate(cycle, office, "Ana", "female", "Senior management")
    ben = nominate(cycle, office, "Ben", "male", "Professional")
    nominate(cycle, office, "Never met", "female", "Professional")
    record(cycle, office, consultant, format="individual", participants=[ana],
           findings=[finding("Low", priority="low")])
    record(cycle, office, consultant, when=datetime(2026, 2, 18, 9, 0), participants=[ana, ben],
           headcounts={level("General service").id: (3, 0)},
           findings=[finding("High", priority="high", resources=["training", "tools"]),
                     finding("Medium", priority="medium", resources=["training"])])
    record(cycle, other, consultant, headcounts={level("Professional").id: (0, 7)},
           findings=[finding("Elsewhere", priority="high")])
    result = summary(cycle, office)
    assert result.sessions == {"individual": 1, "group": 1}
    people = {r["level"]: (r["female"], r["male"]) for r in result.people}
    assert people["Senior management"] == (1, 0)  # Ana met twice, counted once
    assert people["Professional"] == (0, 1)
    assert people["General service"] == (3, 0)
    assert (result.female, result.male, result.female_share) == (4, 1, 80)
    assert (result.nominated, result.nominated_met) == (3, 2)
    assert [r.gap.title for r in result.top_gaps] == ["High", "Medium", "Low"]
    training = next(r for r in result.resources if r["kind"] == "training")
    assert (training["findings"], training["gaps"]) == (2, 2)
    department = summary(cycle)
    assert department.people_total == 12
    assert [r.gap.title for r in department.top_gaps][:2] == ["High", "Elsewhere"]  # by number
    by_office = {r["office"].acronym: r for r in department.offices}
    assert (by_office["OO"]["people"], by_office["PD"]["people"]) == (5, 7)


def test_bad_session_input_names_the_field(ctx):
    cycle, office, _, consultant = world()
    cases = [
        ({"when": datetime(2030, 1, 1, 9, 0)}, "held_at"),
        ({"headcounts": {level("Professional").id: (-1, 2)}},
         f"headcount-{level('Professional').id}-women"),
        ({"findings": [FindingInput(category_id=None, title="No category")]},
         "findings-0-category_id"),
        ({"format": "individual", "headcounts": {level("Professional").id: (2, 0)}}, "format"),
        ({"headcounts": {}}, "participant_ids"),
    ]
    for kwargs, field in cases:
        kwargs.setdefault("headcounts", {level("Professional").id: (1, 1)})
        with pytest.raises(FieldError) as error:
            record(cycle, office, consultant, **kwargs)
        assert error.value.field == field, kwargs


def test_editing_a_session_updates_and_removes_findings(ctx):
    cycle, office, _, consultant = world()
    s = record(cycle, office, consultant, headcounts={level("Professional").id: (1, 1)},
               findings=[finding("Keep"), finding("Drop")])
    keep = s.findings[0]
    save_session(s, cycle_id=cycle.id, office_id=office.id, held_at=s.held_at, format="group",
                 consultant_ids=[consultant.id], headcounts={level("Professional").id: (1, 1)},
                 findings=[FindingInput(id=keep.id, category_id=keep.category_id,
                                        title="Kept, reworded", priority="high")])
    db.session.flush()
    assert [f.title for f in s.findings] == ["Kept, reworded"]
    assert keep.gap.code == "G-01"


def test_confidential_notes_are_withheld_from_the_audit_trail(ctx):
    cycle, office, _, consultant = world()
    record(cycle, office, consultant, headcounts={level("Professional").id: (1, 1)},
           notes="The director dismissed the topic.", notes_confidential=True)
    db.session.flush()
    entry = db.session.query(AuditEntry).filter_by(entity_type="Assessment session").one()
    assert entry.changes["notes"] == [None, "(withheld)"]
    assert "dismissed" not in str(entry.changes)


def test_coverage_warns_of_levels_nobody_was_nominated_at(ctx):
    cycle, office, _, _ = world()
    nominate(cycle, office, "Ana", "female", "Professional")
    nominate(cycle, office, "Ben", "male", "General service")
    nominate(cycle, office, "Cleo", "female", "General service")
    coverage = nomination_coverage(cycle.id, [office.id])[office.id]
    assert coverage.missing_levels == ["Senior management", "Field and national staff"]
    assert (coverage.female, coverage.male, coverage.female_share) == (2, 1, 67)
