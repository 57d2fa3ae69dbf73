"""The departmental plan's charts, shared by its pages and its PDF."""

from ..core.charts import BarChart
from .consolidation import Consolidation, Figures

MOST_OFFICES = 15  # offices charted one by one; the rest share one bar


def _usd(value: float) -> str:
    if value >= 1_000_000:
        return f"${value / 1_000_000:,.1f}M"
    if value >= 10_000:
        return f"${value / 1_000:,.0f}k"
    return f"${value:,.0f}"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _offices(c: Consolidation, key) -> list[Figures]:
    rows = sorted(c.by_office, key=lambda f: (-key(f), f.label))
    if len(rows) <= MOST_OFFICES + 1:
        return sorted(rows, key=lambda f: f.label)
    rest = Figures("others", f"{len(rows) - MOST_OFFICES} other offices")
    for row in rows[MOST_OFFICES:]:
        rest.activities += row.activities
        rest.core += row.core
        rest.extra += row.extra
    return rows[:MOST_OFFICES] + [rest]


def activities_by_area(c: Consolidation) -> BarChart:
    return BarChart("Activities by thematic area", [f.label for f in c.by_area],
                    [[f.activities] for f in c.by_area], number=_count)


def resources_by_area(c: Consolidation) -> BarChart:
    return BarChart("Resources by thematic area (US dollars)", [f.label for f in c.by_area],
                    [[float(f.core), float(f.extra)] for f in c.by_area],
                    series=("Core", "Extra-budgetary"), number=_usd,
                    description="Amounts not known are left out.")


def activities_by_office(c: Consolidation) -> BarChart:
    rows = _offices(c, lambda f: f.activities)
    return BarChart("Activities by office", [f.label for f in rows],
                    [[f.activities] for f in rows], number=_count)


def resources_by_office(c: Consolidation) -> BarChart:
    rows = _offices(c, lambda f: f.total)
    return BarChart("Resources by office (US dollars)", [f.label for f in rows],
                    [[float(f.core), float(f.extra)] for f in rows],
                    series=("Core", "Extra-budgetary"), number=_usd,
                    description="Amounts not known are left out.")


def all_charts(c: Consolidation) -> list[tuple[str, BarChart]]:
    """Every chart of the plan with an id for the page."""
    return [("chart-area-activities", activities_by_area(c)),
            ("chart-area-resources", resources_by_area(c)),
            ("chart-office-activities", activities_by_office(c)),
            ("chart-office-resources", resources_by_office(c))]
