"""Reporting periods over a cycle."""

from datetime import date

import pytest

from workshop.monitoring.periods import lay_out


def test_quarters_over_a_cycle_cut_at_its_ends():
    periods = lay_out(date(2026, 8, 15), date(2027, 12, 31), "quarterly")
    assert [p.label for p in periods] == ["Q3 2026", "Q4 2026", "Q1 2027", "Q2 2027",
                                          "Q3 2027", "Q4 2027"]
    assert (periods[0].starts_on, periods[0].ends_on) == (date(2026, 8, 15), date(2026, 9, 30))
    assert periods[0].due_on == date(2026, 10, 15)
    assert periods[3].ends_on == date(2027, 6, 30)
    assert periods[-1].due_on == date(2028, 1, 15)
    assert [p.number for p in periods] == [1, 2, 3, 4, 5, 6]


def test_half_years_and_their_due_dates():
    periods = lay_out(date(2027, 1, 1), date(2027, 12, 31), "half_yearly", due_days=30)
    assert [(p.label, p.starts_on, p.ends_on, p.due_on) for p in periods] == [
        ("H1 2027", date(2027, 1, 1), date(2027, 6, 30), date(2027, 7, 30)),
        ("H2 2027", date(2027, 7, 1), date(2027, 12, 31), date(2028, 1, 30))]


def test_bad_frequency_or_dates_are_refused():
    with pytest.raises(ValueError, match="Unknown frequency"):
        lay_out(date(2027, 1, 1), date(2027, 12, 31), "monthly")
    with pytest.raises(ValueError, match="comes before"):
        lay_out(date(2027, 12, 31), date(2027, 1, 1), "quarterly")
