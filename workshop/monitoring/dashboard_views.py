"""The Gender Unit's dashboard, and the lists of activities and indicators behind its figures."""

from decimal import Decimal

from flask import abort, render_template, request
from sqlalchemy import select

from ..admin.models import PlanCycle
from ..admin.services import current_cycle
from ..core.charts import svg
from ..core.exports import csv_response, xlsx_response
from ..core.listing import Page
from ..core.permissions import permission_required
from ..extensions import db
from . import bp
from .charts import all_charts
from .dashboard import STATUSES, Figures, figures

PAGE_SIZE = 50


def _cycle() -> PlanCycle | None:
    cycle_id = request.args.get("cycle", type=int)
    return db.get_or_404(PlanCycle, cycle_id) if cycle_id else current_cycle()


def _figures(cycle: PlanCycle) -> tuple[Figures, str]:
    """The figures for the period asked for; a period of another cycle gives the default."""
    period_id = request.args.get("period", type=int)
    try:
        return figures(cycle.id, period_id), ""
    except LookupError:
        return figures(cycle.id), (f"The period chosen is not one of cycle {cycle.name}; the "
                                   "figures stand at its latest period with an accepted report.")


def _scope(f: Figures) -> dict:
    """The address arguments that keep a link on the same cycle and period."""
    return {"cycle": f.cycle.id, "period": f.period.id if f.period else None}


def _args(f: Figures, filters: dict) -> dict:
    """The address arguments of a drill-down page as filtered, for its pages and exports."""
    return {**_scope(f), **{key: value for key, value in filters.items() if value}}


def _number(value):
    """An amount for a spreadsheet cell: a number, not text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _cycles() -> list[PlanCycle]:
    return list(db.session.scalars(select(PlanCycle).order_by(PlanCycle.start_date.desc())))


def _page(rows: list) -> Page:
    pages = max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return Page(items=rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], page=page, pages=pages,
                total=len(rows))


def _choice(key: str, allowed) -> str:
    """A filter's value from the address, or "" when it is not one of `allowed`."""
    value = request.args.get(key, "").strip()
    return value if value in allowed else ""


def _export(name: str, headers: list[str], rows):
    fmt = request.args.get("export")
    if fmt == "csv":
        return csv_response(name, headers, rows)
    if fmt == "xlsx":
        return xlsx_response(name, headers, rows)
    abort(400)
    return None


def _no_cycle(title: str):
    return render_template("monitoring/dashboard_empty.html", title=title, cycle=None,
                           cycles=[])


@bp.get("/dashboard")
@permission_required("read_monitoring")
def dashboard():
    """Where the published plan stands: activities by status, indicators behind their targets,
    late reports, resources, people reached, and the trend across periods."""
    cycle = _cycle()
    if cycle is None:
        return _no_cycle("Monitoring dashboard")
    f, notice = _figures(cycle)
    charts = [(chart_id, chart.title, svg(chart, chart_id=chart_id))
              for chart_id, chart in all_charts(f)]
    return render_template("monitoring/dashboard.html", title=f"Monitoring {cycle.name}",
                           cycle=cycle, cycles=_cycles(), f=f, charts=charts, notice=notice,
                           statuses=STATUSES, scope=_scope(f))


@bp.get("/dashboard/activities")
@permission_required("read_monitoring")
def dashboard_activities():
    """The activities behind a figure of the dashboard, filtered by office, thematic area and
    status, each with the report its status comes from."""
    cycle = _cycle()
    if cycle is None:
        return _no_cycle("Activities")
    f, notice = _figures(cycle)
    filters = {"office": _choice("office", {str(o.id) for o in f.offices}),
               "area": _choice("area", set(f.areas)),
               "status": _choice("status", set(STATUSES))}
    rows = [a for a in f.activities
            if (not filters["office"] or str(a.office.id) == filters["office"])
            and (not filters["area"] or a.area == filters["area"])
            and (not filters["status"] or a.status == filters["status"])]
    if request.args.get("export"):
        return _export(f"activities-{cycle.name}", [
            "Office", "Activity", "Thematic area", "Status", "Per cent complete", "Reported in",
            "Indicators", "Behind", "Core (USD)", "Extra-budgetary (USD)"],
            ([a.office.acronym, a.title, a.area, a.status_label, a.percent_complete,
              a.period.label if a.period else "", a.indicators, a.behind,
              _number(a.core), _number(a.extra)] for a in rows))
    return render_template("monitoring/dashboard_activities.html",
                           title=f"Activities {cycle.name}", cycle=cycle, cycles=_cycles(),
                           f=f, notice=notice, filters=filters, page=_page(rows),
                           statuses=STATUSES, scope=_scope(f), args=_args(f, filters))


@bp.get("/dashboard/indicators")
@permission_required("read_monitoring")
def dashboard_indicators():
    """The indicators behind a figure of the dashboard, filtered by office, thematic area,
    those behind their targets and those split by sex."""
    cycle = _cycle()
    if cycle is None:
        return _no_cycle("Indicators")
    f, notice = _figures(cycle)
    filters = {"office": _choice("office", {str(o.id) for o in f.offices}),
               "area": _choice("area", set(f.areas)),
               "behind": _choice("behind", {"1"}), "sex": _choice("sex", {"1"})}
    rows = [i for i in f.indicators
            if (not filters["office"] or str(i.office.id) == filters["office"])
            and (not filters["area"] or i.area == filters["area"])
            and (not filters["behind"] or i.behind)
            and (not filters["sex"] or i.sex_disaggregated)]
    if request.args.get("export"):
        return _export(f"indicators-{cycle.name}", [
            "Office", "Activity", "Indicator", "Thematic area", "Cumulative", "Baseline",
            "Target", "Achieved", "Per cent to target", "Expected per cent", "Behind",
            "Women", "Men", "Latest measured in"],
            ([i.office.acronym, i.activity, i.statement, i.area, i.cumulative, i.baseline,
              i.target, _number(i.achieved) if i.achieved is not None else i.value_text,
              _number(i.percent), _number(i.expected_percent), i.behind, _number(i.female),
              _number(i.male), i.period.label if i.period else ""] for i in rows))
    return render_template("monitoring/dashboard_indicators.html",
                           title=f"Indicators {cycle.name}", cycle=cycle, cycles=_cycles(),
                           f=f, notice=notice, filters=filters, page=_page(rows),
                           scope=_scope(f), args=_args(f, filters))
