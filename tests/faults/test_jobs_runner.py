"""`manage.py run_comune_jobs --every 1` survives a database cut of a few seconds.

The runner runs as a process of its own, through the proxy. While the database is cut its
rounds fail (and say so); meanwhile a hold lapses in the comune, which nobody can cancel
yet. Once the proxy is restored the same process runs rounds again, and the lapsed hold is
cancelled, without a restart.
"""

import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from psycopg2.extras import DateTimeTZRange

from src.bookings.models import Booking
from src.bookings.selectors import policy_get
from tests.bookings.conftest import build_hub
from tests.faults.conftest import ROOT, database_env, wait_for

EMAIL = "jobs-runner@example.org"


@pytest.fixture
def held_booking(fault_comune):
    """A held booking in the fault comune, its hold still running (committed: the runner must see it)."""
    person = get_user_model().objects.create_user(email=EMAIL)
    with tenant_context(fault_comune):
        policy_get()
        hub = build_hub("jobs-runner", seats=1)
        space = hub.spaces.get(name="Coworking")
        now = timezone.now()
        booking = Booking.objects.create(
            code="JOBRUN01",
            person=person,
            hub=hub,
            space=space,
            seat=space.seats.get(),
            period=DateTimeTZRange(now + timedelta(hours=1), now + timedelta(hours=2)),
            state=Booking.State.HELD,
            hold_expires_at=now + timedelta(hours=1),
        )
    yield booking
    with tenant_context(fault_comune):
        Booking.objects.filter(pk=booking.pk).delete()
        hub.delete()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # Raw SQL: Django's cascade would look for the comune's tables in the public schema.
        cursor.execute("DELETE FROM identity_user WHERE email = %s", [EMAIL])


def _state(municipality, booking) -> str:
    with tenant_context(municipality):
        return Booking.objects.get(pk=booking.pk).state


class Runner:
    def __init__(self, proxy, folder):
        self.out_path, self.err_path = folder / "stdout.txt", folder / "stderr.txt"
        self._out, self._err = self.out_path.open("wb"), self.err_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_comune_jobs", "--every", "1", "--verbosity", "2", "--exit-with-parent"],
            cwd=ROOT,
            env=database_env(proxy),
            stdout=self._out,
            stderr=self._err,
        )

    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def rounds(self) -> int:
        return self.stdout().count("comune jobs:")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._out.close()
        self._err.close()


@pytest.fixture
def runner(database_outage, held_booking, tmp_path):
    running = Runner(database_outage, tmp_path)
    yield running
    running.stop()


def test_the_runner_survives_a_cut_and_cancels_the_hold_that_lapsed_meanwhile(
    runner, database_outage, fault_comune, held_booking
):
    wait_for(lambda: runner.rounds() >= 1, timeout=60, what="a first round of the jobs")
    assert _state(fault_comune, held_booking) == "held"

    database_outage.cut()
    cut_at = time.monotonic()
    wait_for(lambda: "round failed" in runner.stderr(), timeout=20, what="a round failing on the cut")
    # The hold lapses while the runner cannot reach the database (this process can: no proxy).
    with tenant_context(fault_comune):
        Booking.objects.filter(pk=held_booking.pk).update(hold_expires_at=timezone.now())
    time.sleep(max(0.0, 3 - (time.monotonic() - cut_at)))  # a cut of a few seconds
    assert _state(fault_comune, held_booking) == "held"
    assert runner.process.poll() is None, runner.stderr()
    rounds_before = runner.rounds()

    database_outage.restore()
    wait_for(lambda: _state(fault_comune, held_booking) == "cancelled", timeout=30, what="the lapsed hold cancelled")
    wait_for(lambda: runner.rounds() > rounds_before + 1, timeout=30, what="rounds again after the restore")

    assert runner.process.poll() is None  # the same process, never restarted
    assert "'holds_expired': 1" in runner.stdout()
    assert "comune jobs: round failed (OperationalError); next try in" in runner.stderr()
    assert "Traceback" not in runner.stdout()
