"""The monitoring charts, shared by the dashboard and the review report: where activities stand
by office and by thematic area, indicators behind their targets, and the trend across periods.
Drawn with the same layout code as the action plan's charts."""

from ..actionplan.charts import MOST_OFFICES
from ..core.charts import BarChart
from .dashboard import Figures, Row

# Statuses folded into four shares of a bar, so that every share keeps a colour of its own;
# the names are short enough for the legend to fit on one line beside thematic areas' names.
GROUPS = [
    ("Completed, on track", ("completed", "on_track")),
    ("Not started or no report", ("not_started", "not_reported")),
    ("At risk, off track", ("at_risk", "off_track")),
    ("Cancelled", ("cancelled",)),
]


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _shares(row: Row) -> list[float]:
    return [float(sum(row.statuses[s] for s in statuses)) for _, statuses in GROUPS]


def _grouped(rows: list[Row], key) -> list[tuple[str, list[float]]]:
    """One bar per office, the largest first beyond MOST_OFFICES, the rest in one bar."""
    if len(rows) <= MOST_OFFICES + 1:
        return [(r.label, key(r)) for r in rows]
    ranked = sorted(rows, key=lambda r: (-sum(key(r)), r.label))
    rest = [sum(values) for values in zip(*(key(r) for r in ranked[MOST_OFFICES:]),
                                          strict=True)]
    return ([(r.label, key(r)) for r in ranked[:MOST_OFFICES]]
            + [(f"{len(ranked) - MOST_OFFICES} other offices", rest)])


def status_by_office(f: Figures) -> BarChart:
    bars = _grouped(f.by_office, _shares)
    return BarChart("Activities by status and office", [b[0] for b in bars],
                    [b[1] for b in bars], series=[name for name, _ in GROUPS], number=_count)


def status_by_area(f: Figures) -> BarChart:
    rows = [r for r in f.by_area if r.activities]
    return BarChart("Activities by status and thematic area", [r.label for r in rows],
                    [_shares(r) for r in rows], series=[name for name, _ in GROUPS],
                    number=_count)


def _indicators(row: Row) -> list[float]:
    return [float(row.behind), float(row.indicators - row.behind)]


def behind_by_office(f: Figures) -> BarChart:
    bars = _grouped([r for r in f.by_office if r.indicators], _indicators)
    return BarChart("Indicators behind their targets by office", [b[0] for b in bars],
                    [b[1] for b in bars], series=("Behind", "On schedule or not measured"),
                    number=_count,
                    description="Behind: below the straight line from baseline to target.")


def trend(f: Figures) -> BarChart:
    return BarChart("Activities completed or on track, period by period",
                    [t.label for t in f.trends], [[t.going_well] for t in f.trends],
                    number=_count)


def all_charts(f: Figures) -> list[tuple[str, BarChart]]:
    """Every monitoring chart with an id for the page; none before the plan is published."""
    if not f.activities:
        return []
    charts = [("chart-status-office", status_by_office(f)),
              ("chart-status-area", status_by_area(f))]
    if f.indicators:
        charts.append(("chart-behind-office", behind_by_office(f)))
    if f.trends:
        charts.append(("chart-trend", trend(f)))
    return charts
