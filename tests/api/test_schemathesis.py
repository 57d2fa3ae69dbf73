"""Schemathesis against the live API: every operation, generated data, a token allowed them all.

It runs the CLI in a subprocess against the app served by the `live_server` fixture, with the
demo department, a few needs-assessment records, a workshop, work plans at each stage of their
review and two departmental plans (one version published, one not) loaded so that ids in paths
resolve, and the token of a user who is administrator
and Gender Unit at once, so that every operation may be called (but drafting and submitting
work plans, which is for offices and consultants: those answer 403, as documented). Any failed
check fails the test and the schemathesis report is printed.
"""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.api import (
    seed_actionplan,
    seed_assessment,
    seed_demo,
    seed_workplans,
    seed_workshops,
)

CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
])
MAX_EXAMPLES = int(os.environ.get("WORKSHOP_SCHEMATHESIS_EXAMPLES", "6"))


def _schemathesis() -> list[str]:
    """The schemathesis CLI of the virtualenv running the tests."""
    cli = Path(sys.executable).with_name("st")
    return [str(cli)] if cli.exists() else [sys.executable, "-m", "schemathesis.cli"]


@pytest.mark.fuzz
def test_schemathesis_finds_no_failure(app, live_server, tmp_path, caplog):
    # Thousands of requests: keep werkzeug's access log out of the report, errors stay in it.
    caplog.set_level(logging.WARNING, logger="werkzeug")
    tokens = seed_demo(app)
    for n in range(1, 4):
        seed_assessment(app, n)
    seed_workshops(app, 4)  # a curriculum, a workshop with its agenda and an invitation
    for n, status in enumerate(("draft", "submitted", "returned", "approved"), start=5):
        seed_workplans(app, n, status)  # work plans of the Office of Operations
    seed_actionplan(app, 9)  # a departmental plan with version 1 published
    seed_actionplan(app, 10, published=False)  # and one whose version 1 is not yet
    token = tokens["admin_gender_unit"]
    command = [
        *_schemathesis(), "run", f"{live_server.url}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--checks", CHECKS,
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", "1",
        "--workers", "1",
        "--generation-database", "none",
        "--request-timeout", "10",
        "--no-color",
    ]
    started = time.monotonic()
    # Run from a scratch folder so that nothing schemathesis writes lands in the project.
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NO_COLOR": "1", "HOME": str(tmp_path)})
    elapsed = time.monotonic() - started
    output = f"{result.stdout}\n{result.stderr}".replace(token, "<token>")
    summary = output[output.rfind("SUMMARY"):] if "SUMMARY" in output else output[-2000:]
    print(f"schemathesis took {elapsed:.1f} s (exit code {result.returncode})\n{summary}")
    assert result.returncode == 0, f"schemathesis found failures:\n{output}"
