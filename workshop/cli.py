"""Command-line tasks: `flask --app wsgi seed`, `demo-data`, `create-admin`, `scheduler`."""

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from .core.hooks import demo_steps
from .core.models import today
from .extensions import db


def register_cli(app: Flask) -> None:
    """Add the commands to `flask`."""

    @app.cli.command("seed")
    def seed():
        """Add the reference lists that are missing (safe to run again)."""
        from .admin.seed import seed_reference_lists

        added = seed_reference_lists()
        db.session.commit()
        click.echo(f"Reference lists: {added} entries added.")

    @app.cli.command("demo-data")
    @click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 1000),
                  help="Make N times the demo department: 5N offices and everything in them.")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
    def demo_data(scale: int, if_empty: bool):
        """Create a believable plan cycle with offices, users and every stage's records."""
        from .admin.seed import seed_reference_lists
        from .auth.models import User

        if if_empty and db.session.scalar(select(func.count()).select_from(User)):
            click.echo("The database already has data; demo data not added.")
            return
        seed_reference_lists()
        for step in demo_steps():
            message = step(scale, today())
            if message:
                click.echo(message)
        db.session.commit()

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.password_option()
    def create_admin(email: str, name: str, password: str):
        """Create an administrator account."""
        from .auth.services import UserError, create_user

        try:
            create_user(email=email, name=name, password=password, roles={"admin"})
        except UserError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
        click.echo(f"Administrator {email} created.")

    @app.cli.command("scheduler")
    def scheduler():
        """Run the scheduled jobs until stopped: reminders and escalations of progress reports
        (daily), the Gender Unit's digest (Mondays) and e-mail. Run one such process."""
        from .monitoring.jobs import run_scheduler

        click.echo("Scheduler running; stop it with Ctrl+C.")
        run_scheduler(current_app._get_current_object())
