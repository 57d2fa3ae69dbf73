"""Operations on office work plans: drafting with optimistic locking, quality checks, and the
review from submission to approval, with a version kept at each submission.

They validate, flush and never commit; views and API handlers commit once per request.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from ..admin.models import Office, PlanCycle, Strategy, ThematicArea
from ..assessment.models import Gap
from ..core.models import utcnow
from ..core.validation import FieldError
from ..extensions import db
from .models import (
    ACTIVITY_STATUSES,
    DIRECTIONS,
    INDICATOR_KINDS,
    UNITS,
    Activity,
    Indicator,
    Objective,
    PlanComment,
    PlanVersion,
    WorkPlan,
)

MAX_COST = Decimal("999999999999.99")


class ConflictError(FieldError):
    """Someone saved a newer version of the record since this change was started."""

    def __init__(self, what: str):
        super().__init__(None, f"Someone else changed this {what} while you were editing it. "
                               "Their change has been kept; look at it and make yours again.")


def _fresh(record, expected_version: int | None, what: str) -> None:
    """Refuse a save based on an older version of `record` (None skips the check)."""
    if expected_version is not None and record.lock_version != expected_version:
        raise ConflictError(what)


def _bump(record) -> None:
    record.lock_version = (record.lock_version or 0) + 1


def _editable(plan: WorkPlan) -> None:
    if not plan.editable:
        raise FieldError(None, f"The plan is {plan.status_label.lower()}; it cannot change "
                               "until the Gender Unit returns or reopens it.")


def can_draft(user, plan: WorkPlan) -> bool:
    """Office staff draft their own office's plan; consultants help any office."""
    if user.has_role("consultant"):
        return True
    return user.can("draft_work_plans") and user.belongs_to(plan.office_id)


def can_read(user, plan: WorkPlan) -> bool:
    """The office's own staff, consultants and the Gender Unit read a plan at any stage."""
    return can_draft(user, plan) or user.can("review_work_plans")


# -- plans ---------------------------------------------------------------------------------------


def plan_for(cycle_id: int, office_id: int, create: bool = True) -> WorkPlan | None:
    """The office's plan for the cycle, started empty when there is none yet."""
    plan = db.session.scalar(select(WorkPlan).where(WorkPlan.cycle_id == cycle_id,
                                                    WorkPlan.office_id == office_id))
    if plan is None and create:
        if db.session.get(PlanCycle, cycle_id) is None:
            raise FieldError("cycle_id", "Choose a plan cycle.")
        if db.session.get(Office, office_id) is None:
            raise FieldError("office_id", "Choose an office.")
        plan = WorkPlan(cycle_id=cycle_id, office_id=office_id, status="draft")
        db.session.add(plan)
        db.session.flush()
    return plan


def _text(value, limit: int, field: str, label: str, required: str | None = None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise FieldError(field, required)
    if len(text) > limit:
        raise FieldError(field, f"{label} is too long: at most {limit} characters.")
    return text


# -- objectives ----------------------------------------------------------------------------------


def save_objective(objective: Objective | None, plan: WorkPlan, *, title: str,
                   description: str = "", position: int | None = None,
                   expected_version: int | None = None) -> Objective:
    """Add an objective to a plan or change one."""
    _editable(plan)
    title = _text(title, 300, "title", "The objective", "State the objective.")
    if objective is None:
        objective = Objective(position=len(plan.objectives) if position is None else position)
        plan.objectives.append(objective)
    else:
        _fresh(objective, expected_version, "objective")
        _bump(objective)
        if position is not None:
            objective.position = position
    objective.title, objective.description = title, (description or "").strip()
    db.session.flush()
    return objective


def delete_objective(objective: Objective, expected_version: int | None = None) -> None:
    """Remove an objective with its activities and indicators."""
    _editable(objective.plan)
    _fresh(objective, expected_version, "objective")
    objective.plan.objectives.remove(objective)
    db.session.flush()


# -- activities ----------------------------------------------------------------------------------


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str | None, end: bool = False) -> date | None:
    """A month ("2026-04") or a quarter ("2026-Q2") as its first day, or with `end` its last.
    A full date is taken as given. Empty text is None; anything else is a ValueError."""
    text = (text or "").strip().upper().replace(" ", "")
    if not text:
        return None
    if "-Q" in text:
        year, quarter = text.split("-Q")
        year_n, q = int(year), int(quarter)
        if not 1 <= q <= 4:
            raise ValueError(text)
        return month_end(year_n, 3 * q) if end else month_start(year_n, 3 * q - 2)
    parts = text.split("-")
    if len(parts) == 2:
        year_n, month = int(parts[0]), int(parts[1])
        return month_end(year_n, month) if end else month_start(year_n, month)
    return date.fromisoformat(text)


def money(value) -> Decimal | None:
    """US dollars as typed ("12,500", "12500.50"); empty means not known (None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, Decimal):
        amount = value
    else:
        try:
            amount = Decimal(str(value).replace(",", "").replace("$", "").strip())
        except InvalidOperation as error:
            raise ValueError(value) from error
    if not amount.is_finite() or amount < 0 or amount > MAX_COST:
        raise ValueError(value)
    return amount.quantize(Decimal("0.01"))


@dataclass
class ActivityInput:
    """An activity as typed in the editor, sent to the API or read from a workbook."""

    title: str
    description: str = ""
    thematic_area_id: int | None = None
    strategy_id: int | None = None
    expected_result: str = ""
    responsible: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    cost_core: Decimal | None = None
    cost_extra: Decimal | None = None
    status: str = "planned"
    gap_ids: tuple = ()


def check_activity(plan: WorkPlan, data: ActivityInput) -> list[Gap]:
    """Refuse what cannot be saved; return the gaps the activity answers."""
    _text(data.title, 300, "title", "The title", "Give the activity a title.")
    _text(data.responsible, 200, "responsible", "Responsible")
    if data.thematic_area_id is not None and db.session.get(ThematicArea,
                                                            data.thematic_area_id) is None:
        raise FieldError("thematic_area_id", "Choose one of the thematic areas.")
    if data.strategy_id is not None and db.session.get(Strategy, data.strategy_id) is None:
        raise FieldError("strategy_id", "Choose one of the implementation strategies.")
    if data.status not in ACTIVITY_STATUSES:
        raise FieldError("status", "Choose planned, ongoing, completed or cancelled.")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise FieldError("ends_on", "The activity cannot end before it starts.")
    for field, amount in (("cost_core", data.cost_core), ("cost_extra", data.cost_extra)):
        if amount is not None and not (0 <= amount <= MAX_COST):
            raise FieldError(field, "Give an amount in US dollars, zero or more, or leave it "
                                    "empty when not known.")
    ids = list(dict.fromkeys(data.gap_ids or ()))
    gaps = db.session.scalars(select(Gap).where(Gap.id.in_(ids))).all() if ids else []
    if len(gaps) != len(ids) or any(g.cycle_id != plan.cycle_id for g in gaps):
        raise FieldError("gap_ids", "Choose gaps of this cycle's register.")
    return list(dict.fromkeys(g.current() for g in gaps))


def save_activity(activity: Activity | None, objective: Objective, data: ActivityInput, *,
                  position: int | None = None,
                  expected_version: int | None = None) -> Activity:
    """Add an activity under an objective or change one (it may move to another objective of
    the same plan)."""
    plan = objective.plan
    _editable(plan)
    gaps = check_activity(plan, data)
    if activity is None:
        activity = Activity(position=len(objective.activities) if position is None
                            else position)
        objective.activities.append(activity)
    else:
        _fresh(activity, expected_version, "activity")
        if activity.objective.plan_id != plan.id:
            raise FieldError("objective_id", "Choose an objective of the same plan.")
        _bump(activity)
        if activity.objective is not objective:
            with db.session.no_autoflush:  # not an orphan: it is moving
                activity.objective.activities.remove(activity)
                objective.activities.append(activity)
        if position is not None:
            activity.position = position
    activity.title = data.title.strip()
    activity.description = (data.description or "").strip()
    activity.thematic_area_id, activity.strategy_id = data.thematic_area_id, data.strategy_id
    activity.expected_result = (data.expected_result or "").strip()
    activity.responsible = (data.responsible or "").strip()
    activity.starts_on, activity.ends_on = data.starts_on, data.ends_on
    activity.cost_core, activity.cost_extra = data.cost_core, data.cost_extra
    activity.status, activity.gaps = data.status, gaps
    db.session.flush()
    return activity


def delete_activity(activity: Activity, expected_version: int | None = None) -> None:
    """Remove an activity with its indicators."""
    _editable(activity.objective.plan)
    _fresh(activity, expected_version, "activity")
    activity.objective.activities.remove(activity)
    db.session.flush()


def move(record, step: int) -> None:
    """Move an objective, activity or indicator up (-1) or down (+1) among its siblings."""
    siblings = {Objective: lambda r: r.plan.objectives,
                Activity: lambda r: r.objective.activities,
                Indicator: lambda r: r.activity.indicators}[type(record)](record)
    plan = {Objective: lambda r: r.plan, Activity: lambda r: r.objective.plan,
            Indicator: lambda r: r.activity.objective.plan}[type(record)](record)
    _editable(plan)
    order = list(siblings)
    index = order.index(record)
    target = index + step
    if not 0 <= target < len(order):
        return
    order[index], order[target] = order[target], order[index]
    for position, item in enumerate(order):
        item.position = position
    db.session.flush()


# -- indicators ----------------------------------------------------------------------------------


@dataclass
class IndicatorInput:
    """An indicator as typed, sent or read from a workbook."""

    statement: str
    kind: str = "quantitative"
    unit: str = "number"
    baseline_value: str = ""
    baseline_date: date | None = None
    target_value: str = ""
    target_date: date | None = None
    verification: str = ""
    sex_disaggregated: bool = False
    direction: str = "increase"
    cumulative: bool = True


def check_indicator(data: IndicatorInput) -> None:
    """Refuse an indicator that cannot be saved."""
    _text(data.statement, 500, "statement", "The indicator", "State the indicator.")
    if data.kind not in INDICATOR_KINDS:
        raise FieldError("kind", "Choose quantitative or qualitative.")
    if data.unit not in UNITS:
        raise FieldError("unit", "Choose number, per cent, yes/no or text.")
    if data.direction not in DIRECTIONS:
        raise FieldError("direction", "Choose increase or decrease.")
    if not data.cumulative and data.unit != "number":
        raise FieldError("cumulative", "Only a number can add up period by period; a per cent, "
                                       "yes/no or text is reported as it stands to date.")
    for field, value in (("baseline_value", data.baseline_value),
                         ("target_value", data.target_value)):
        text = _text(value, 200, field, "The value")
        if text and data.unit in ("number", "percent"):
            try:
                number = Decimal(text.replace(",", "").rstrip("%").strip())
            except InvalidOperation:
                raise FieldError(field, "Give a number, or change the unit to text.") from None
            if data.unit == "percent" and not 0 <= number <= 100:
                raise FieldError(field, "Give a percentage from 0 to 100.")
        if text and data.unit == "yes_no" and text.lower() not in ("yes", "no"):
            raise FieldError(field, "Answer yes or no.")


def save_indicator(indicator: Indicator | None, activity: Activity, data: IndicatorInput, *,
                   position: int | None = None,
                   expected_version: int | None = None) -> Indicator:
    """Add an indicator to an activity or change one."""
    _editable(activity.objective.plan)
    check_indicator(data)
    if indicator is None:
        indicator = Indicator(position=len(activity.indicators) if position is None
                              else position)
        activity.indicators.append(indicator)
    else:
        _fresh(indicator, expected_version, "indicator")
        if indicator.activity.objective.plan_id != activity.objective.plan_id:
            raise FieldError("activity_id", "Choose an activity of the same plan.")
        _bump(indicator)
        if indicator.activity is not activity:
            with db.session.no_autoflush:  # not an orphan: it is moving
                indicator.activity.indicators.remove(indicator)
                activity.indicators.append(indicator)
        if position is not None:
            indicator.position = position
    indicator.statement = data.statement.strip()
    indicator.kind, indicator.unit, indicator.direction = data.kind, data.unit, data.direction
    indicator.baseline_value = (data.baseline_value or "").strip()
    indicator.target_value = (data.target_value or "").strip()
    indicator.baseline_date, indicator.target_date = data.baseline_date, data.target_date
    indicator.verification = (data.verification or "").strip()
    indicator.sex_disaggregated = bool(data.sex_disaggregated)
    indicator.cumulative = bool(data.cumulative)
    db.session.flush()
    return indicator


def delete_indicator(indicator: Indicator, expected_version: int | None = None) -> None:
    """Remove an indicator."""
    _editable(indicator.activity.objective.plan)
    _fresh(indicator, expected_version, "indicator")
    indicator.activity.indicators.remove(indicator)
    db.session.flush()


# -- quality checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """Something to fix (or knowingly leave) before the plan is submitted."""

    message: str
    activity_id: int | None = None
    indicator_id: int | None = None


def quality_checks(plan: WorkPlan) -> list[Check]:
    """What a reviewer would send back: activities without indicators, indicators without
    baseline or target, targets before baselines, activities outside the cycle, resources
    not stated."""
    checks = []
    cycle = plan.cycle
    if not plan.objectives:
        checks.append(Check("The plan has no objective yet."))
    for objective in plan.objectives:
        if not objective.activities:
            checks.append(Check(f"Objective “{objective.title[:60]}” has no activity."))
        for activity in objective.activities:
            name = f"“{activity.title[:60]}”"
            if not activity.indicators:
                checks.append(Check(f"Activity {name} has no indicator.", activity.id))
            if activity.thematic_area_id is None or activity.strategy_id is None:
                checks.append(Check(f"Activity {name} needs a thematic area and a strategy.",
                                    activity.id))
            if activity.starts_on is None or activity.ends_on is None:
                checks.append(Check(f"Activity {name} has no start or end.", activity.id))
            elif activity.starts_on < cycle.start_date or activity.ends_on > cycle.end_date:
                checks.append(Check(f"Activity {name} runs outside the cycle {cycle.name}.",
                                    activity.id))
            if activity.cost_core is None and activity.cost_extra is None:
                checks.append(Check(f"Activity {name} has no estimate of resources.",
                                    activity.id))
            for indicator in activity.indicators:
                label = f"Indicator “{indicator.statement[:60]}”"
                if not indicator.baseline_value:
                    checks.append(Check(f"{label} has no baseline.", activity.id, indicator.id))
                if not indicator.target_value:
                    checks.append(Check(f"{label} has no target.", activity.id, indicator.id))
                if indicator.baseline_date and indicator.target_date and \
                        indicator.target_date < indicator.baseline_date:
                    checks.append(Check(f"{label} has its target date before its baseline "
                                        "date.", activity.id, indicator.id))
    return checks


def unanswered_gaps(plan: WorkPlan) -> list[Gap]:
    """High-priority gaps the office raised that no activity of its plan answers yet."""
    from ..assessment.queries import register

    answered = {g.id for o in plan.objectives for a in o.activities for g in a.gaps}
    return [r.gap for r in register(plan.cycle_id, plan.office_id)
            if r.gap.priority == "high" and r.gap.id not in answered]


# -- review --------------------------------------------------------------------------------------


def plain(value):
    """A stored value as plain data for a snapshot: amounts as text, dates in ISO form."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def indicator_snapshot(i: Indicator) -> dict:
    """An indicator as plain data, as versions of plans keep it."""
    return {"id": i.id, "statement": i.statement, "kind": i.kind, "unit": i.unit,
            "baseline_value": i.baseline_value, "baseline_date": plain(i.baseline_date),
            "target_value": i.target_value, "target_date": plain(i.target_date),
            "verification": i.verification, "sex_disaggregated": i.sex_disaggregated,
            "direction": i.direction, "cumulative": i.cumulative}


def snapshot(plan: WorkPlan) -> dict:
    """The whole plan as plain data, for its versions and their comparison."""
    return {"objectives": [{
        "id": o.id, "title": o.title, "description": o.description,
        "activities": [{
            "id": a.id, "title": a.title, "description": a.description,
            "thematic_area": a.thematic_area.name if a.thematic_area else "",
            "strategy": a.strategy.name if a.strategy else "",
            "expected_result": a.expected_result, "responsible": a.responsible,
            "starts_on": plain(a.starts_on), "ends_on": plain(a.ends_on),
            "cost_core": plain(a.cost_core), "cost_extra": plain(a.cost_extra),
            "status": a.status, "gaps": [g.code for g in a.gaps],
            "indicators": [indicator_snapshot(i) for i in a.indicators],
        } for a in o.activities],
    } for o in plan.objectives]}


def submit_plan(plan: WorkPlan, user, expected_version: int | None = None) -> PlanVersion:
    """The focal point sends the plan for review; a version keeps it as sent."""
    _fresh(plan, expected_version, "plan")
    if not plan.editable:
        raise FieldError(None, f"The plan is already {plan.status_label.lower()}.")
    if not plan.objectives:
        raise FieldError(None, "Add at least one objective with its activities before "
                               "submitting.")
    number = (db.session.scalar(select(func.max(PlanVersion.number))
                                .where(PlanVersion.plan_id == plan.id)) or 0) + 1
    version = PlanVersion(number=number, submitted_by=user, content=snapshot(plan))
    plan.versions.append(version)
    plan.status, plan.submitted_at = "submitted", utcnow()
    _bump(plan)
    db.session.flush()
    return version


def _decide(plan: WorkPlan, outcome: str) -> None:
    if plan.status != "submitted":
        raise FieldError(None, "Only a submitted plan can be returned or approved.")
    if plan.versions:
        plan.versions[-1].outcome = outcome
    plan.status, plan.decided_at = outcome, utcnow()
    _bump(plan)
    db.session.flush()


def return_plan(plan: WorkPlan, user, comment: str) -> None:
    """The Gender Unit sends the plan back with what to change."""
    if not (comment or "").strip() and not any(
            not c.resolved and c.version_number == len(plan.versions) for c in plan.comments):
        raise FieldError("body", "Say what the office should change: comment on the plan or "
                                 "on an activity before returning it.")
    if (comment or "").strip():
        add_comment(plan, user, comment)
    _decide(plan, "returned")


def approve_plan(plan: WorkPlan, user) -> None:
    """The Gender Unit approves the plan; it is read-only until reopened."""
    _decide(plan, "approved")


def reopen_plan(plan: WorkPlan, user) -> None:
    """The Gender Unit reopens an approved plan for changes."""
    if plan.status != "approved":
        raise FieldError(None, "Only an approved plan can be reopened.")
    plan.status = "draft"
    _bump(plan)
    db.session.flush()


def add_comment(plan: WorkPlan, user, body: str, *, activity_id: int | None = None,
                indicator_id: int | None = None) -> PlanComment:
    """A comment on the plan, or on one of its activities or indicators."""
    body = _text(body, 5000, "body", "The comment", "Write the comment.")
    activity_ids = {a.id for o in plan.objectives for a in o.activities}
    indicator_ids = {i.id for o in plan.objectives for a in o.activities for i in a.indicators}
    if activity_id is not None and activity_id not in activity_ids:
        raise FieldError("activity_id", "Choose an activity of this plan.")
    if indicator_id is not None and indicator_id not in indicator_ids:
        raise FieldError("indicator_id", "Choose an indicator of this plan.")
    comment = PlanComment(body=body, author=user, activity_id=activity_id,
                          indicator_id=indicator_id, version_number=len(plan.versions) or None)
    plan.comments.append(comment)
    db.session.flush()
    return comment
