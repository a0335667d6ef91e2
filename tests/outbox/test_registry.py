"""Every kind the apps enqueue has its handler in any process that drains, whatever it imported."""

import os
import subprocess
import sys
from pathlib import Path

KINDS = [
    "appointments.cancellation",
    "appointments.confirmation",
    "appointments.hold",
    "appointments.reminder",
    "bookings.cancelled",
    "bookings.confirmed",
    "bookings.reminder",
    "bookings.waitlist_offered",
    "events.cancellation",
    "events.promotion",
    "events.registration",
    "events.reminder",
    "firms.invited",
    "payments.received",
    "payments.refund",
    "sensors.co2_alert",
]


def test_a_fresh_process_knows_every_kind_after_django_setup():
    # What a Celery worker or `run_comune_jobs` has: django.setup() and nothing of the apps imported by hand.
    code = (
        "import django; django.setup(); "
        "from src.outbox.services import registered_kinds; print(' '.join(registered_kinds()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == KINDS
