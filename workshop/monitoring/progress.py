"""Progress of an indicator toward its target, worked out from plain values.

A cumulative indicator reports its value to date each period (the share of staff trained so
far): the latest value is what has been achieved. A per-period indicator reports what happened
in each period (workshops held this quarter): what has been achieved is the baseline plus the
sum of the periods. Progress is the share of the way from baseline to target, so it works for
indicators that should go down as well as up. An indicator is behind schedule when that share
is below the share of time gone between the baseline date and the target date (the straight
line from baseline to target).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

YES = {"yes", "y", "true", "1", "oui", "sí", "si"}
NO = {"no", "n", "false", "0", "non"}


def number(value) -> Decimal | None:
    """A typed or stored value as a number ("1,200", "45 %", 12); None when it is not one."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").replace("%", "").strip()
    if text.lower() in YES:
        return Decimal(1)
    if text.lower() in NO:
        return Decimal(0)
    try:
        result = Decimal(text)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def plain_number(value: Decimal) -> str:
    """A stored number as an office would type it: 12, 12.5, 0.25 (no trailing zeros)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Reading:
    """One period's measurement of an indicator."""

    on: date  # the end of the period it reports
    value: Decimal | None
    female: Decimal | None = None
    male: Decimal | None = None


@dataclass(frozen=True)
class Progress:
    """Where an indicator stands: what has been achieved, the share of the way to the target
    (per cent, None when it cannot be worked out) and whether it is behind the straight line."""

    achieved: Decimal | None
    percent: Decimal | None
    expected_percent: Decimal | None
    behind: bool

    @property
    def percent_shown(self) -> str:
        return "—" if self.percent is None else f"{self.percent:.0f} %"


def achieved(readings: list[Reading], baseline: Decimal | None, cumulative: bool
             ) -> Decimal | None:
    """The value reached so far: the latest reading of a cumulative indicator, or the
    baseline plus every period's reading of a per-period one."""
    values = [r for r in sorted(readings, key=lambda r: r.on) if r.value is not None]
    if not values:
        return None
    if cumulative:
        return values[-1].value
    return (baseline or Decimal(0)) + sum((r.value for r in values), Decimal(0))


def time_share(on: date, baseline_date: date | None, target_date: date | None
               ) -> Decimal | None:
    """The share of time gone from the baseline date to the target date on `on`, 0 to 1."""
    if baseline_date is None or target_date is None or target_date <= baseline_date:
        return None
    gone = (on - baseline_date).days / (target_date - baseline_date).days
    return Decimal(str(min(max(gone, 0.0), 1.0)))


def progress(readings: list[Reading], *, baseline, target, cumulative: bool = True,
             baseline_date: date | None = None, target_date: date | None = None,
             on: date | None = None) -> Progress:
    """Progress of an indicator from its readings, as of `on` (default: the latest reading)."""
    start, goal = number(baseline), number(target)
    reached = achieved(readings, start, cumulative)
    if reached is None or start is None or goal is None or goal == start:
        return Progress(reached, None, None, False)
    percent = (reached - start) / (goal - start) * 100
    when = on or max(r.on for r in readings if r.value is not None)
    share = time_share(when, baseline_date, target_date)
    expected = None if share is None else share * 100
    behind = expected is not None and percent < expected
    return Progress(reached, percent.quantize(Decimal("0.1")),
                    None if expected is None else expected.quantize(Decimal("0.1")), behind)


def by_sex(readings: list[Reading], cumulative: bool = True) -> tuple[Decimal, Decimal]:
    """Women and men reached: the latest split of a cumulative indicator, or the sum of the
    periods' splits of a per-period one."""
    split = [r for r in sorted(readings, key=lambda r: r.on)
             if r.female is not None or r.male is not None]
    if not split:
        return Decimal(0), Decimal(0)
    if cumulative:
        last = split[-1]
        return last.female or Decimal(0), last.male or Decimal(0)
    return (sum((r.female or Decimal(0) for r in split), Decimal(0)),
            sum((r.male or Decimal(0) for r in split), Decimal(0)))
