"""Running the demo data in tests and finding what it made."""

from sqlalchemy import select

from workshop.admin.models import PlanCycle
from workshop.extensions import db


def run_demo(runner, *args) -> str:
    """`flask demo-data` with `args`; its printout."""
    result = runner.invoke(args=["demo-data", *args])
    assert result.exit_code == 0, result.output
    return result.output


def active_cycle() -> PlanCycle:
    """The demo's current cycle."""
    return db.session.scalar(select(PlanCycle).where(PlanCycle.status == "active"))


def stage_window(cycle: PlanCycle, stage: str):
    """The first and last day of the cycle's milestone for `stage`."""
    return next(m for m in cycle.milestones if m.stage == stage).dates
