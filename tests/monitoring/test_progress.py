"""Progress toward targets against values worked out by hand."""

from datetime import date
from decimal import Decimal

from workshop.monitoring.progress import Reading, by_sex, number, progress

Q1, Q2, Q3 = date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30)


def test_a_cumulative_indicator_counts_its_latest_value():
    # Share of managers trained: baseline 10 % on 1 Jan 2027, target 50 % on 31 Dec 2027.
    readings = [Reading(Q1, Decimal(15)), Reading(Q2, Decimal(30))]
    result = progress(readings, baseline="10", target="50 %", cumulative=True,
                      baseline_date=date(2027, 1, 1), target_date=date(2027, 12, 31))
    # (30 - 10) / (50 - 10) = 50 %; by 30 Jun 180 of 364 days have gone: 49.5 %.
    assert result.achieved == 30
    assert result.percent == Decimal("50.0")
    assert result.expected_percent == Decimal("49.5")
    assert not result.behind


def test_a_per_period_indicator_adds_its_periods_to_the_baseline():
    # Workshops held: baseline 0, target 12 by 31 Dec 2027; 2 then 3 then 1 held.
    readings = [Reading(Q1, Decimal(2)), Reading(Q2, Decimal(3)), Reading(Q3, Decimal(1))]
    result = progress(readings, baseline="0", target="12", cumulative=False,
                      baseline_date=date(2027, 1, 1), target_date=date(2027, 12, 31))
    # 6 of 12 = 50 %, while 272 of 364 days (74.7 %) have gone: behind the line.
    assert result.achieved == 6
    assert result.percent == Decimal("50.0")
    assert result.expected_percent == Decimal("74.7")
    assert result.behind


def test_an_indicator_that_should_fall_measures_the_way_down():
    # Days to deploy a gender adviser: from 120 to 60.
    result = progress([Reading(Q2, Decimal(90))], baseline="120", target="60",
                      baseline_date=date(2027, 1, 1), target_date=date(2027, 12, 31))
    assert result.percent == Decimal("50.0") and not result.behind


def test_what_cannot_be_worked_out_is_not_guessed():
    assert progress([], baseline="0", target="10").percent is None
    assert progress([Reading(Q1, Decimal(5))], baseline="", target="10").percent is None
    assert progress([Reading(Q1, Decimal(5))], baseline="10", target="10").percent is None
    assert number("yes") == 1 and number("No") == 0 and number("1,250") == 1250
    assert number("about ten") is None and number("NaN") is None


def test_women_and_men_reached():
    readings = [Reading(Q1, Decimal(10), Decimal(4), Decimal(6)),
                Reading(Q2, Decimal(12), Decimal(7), Decimal(5))]
    assert by_sex(readings, cumulative=True) == (7, 5)
    assert by_sex(readings, cumulative=False) == (11, 11)
