"""Reporting periods laid over a cycle: quarters or half-years, each with a due date."""

from dataclasses import dataclass
from datetime import date, timedelta

FREQUENCIES = {"quarterly": "Quarterly", "half_yearly": "Half-yearly"}
MONTHS = {"quarterly": 3, "half_yearly": 6}
DEFAULT_DUE_DAYS = 15  # after the end of the period


@dataclass(frozen=True)
class PeriodDates:
    """The dates of one reporting period."""

    number: int
    label: str
    starts_on: date
    ends_on: date
    due_on: date


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def lay_out(starts_on: date, ends_on: date, frequency: str,
            due_days: int = DEFAULT_DUE_DAYS) -> list[PeriodDates]:
    """Calendar quarters (Jan–Mar, …) or half-years (Jan–Jun, Jul–Dec) from the one holding
    `starts_on` to the one holding `ends_on`, the first and last cut to those dates; each is
    due `due_days` after it ends."""
    if frequency not in MONTHS:
        raise ValueError(f"Unknown frequency {frequency!r}")
    if ends_on < starts_on:
        raise ValueError("The last day comes before the first.")
    size = MONTHS[frequency]
    year, month = starts_on.year, (starts_on.month - 1) // size * size + 1
    result = []
    while date(year, month, 1) <= ends_on:
        last_month = month + size - 1
        start = max(date(year, month, 1), starts_on)
        end = min(_month_end(year, last_month), ends_on)
        index = (month - 1) // size + 1
        label = f"Q{index} {year}" if size == 3 else f"H{index} {year}"
        result.append(PeriodDates(len(result) + 1, label, start, end,
                                  end + timedelta(days=due_days)))
        month += size
        if month > 12:
            year, month = year + 1, month - 12
    return result
