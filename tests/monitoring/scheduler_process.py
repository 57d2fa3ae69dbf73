"""One scheduler in a process of its own, for the test of two schedulers on one database.

    python -m tests.monitoring.scheduler_process DATABASE_URL INSTANT SMTP_PORT

At the fixed INSTANT (ISO 8601, UTC) it builds the app on DATABASE_URL with e-mail to
127.0.0.1:SMTP_PORT and the scheduler with its jobs, prints "ready", waits for a line on its
standard input, turns the scheduler's loop once, and prints the jobs that ran as JSON.
"""

import json
import sys
from datetime import datetime

import time_machine


def main(url: str, instant: str, smtp_port: str) -> None:
    with time_machine.travel(datetime.fromisoformat(instant), tick=False):
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

        from tests.monitoring.scheduling import manual_scheduler
        from workshop import create_app

        app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url,
                          "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(smtp_port)})
        scheduler = manual_scheduler(app)
        runs = []
        scheduler.add_listener(lambda e: runs.append([e.job_id, e.code, e.retval]),
                               EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        print("ready", flush=True)
        sys.stdin.readline()
        scheduler.run_due()
        scheduler.shutdown()
        print(json.dumps(runs), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
