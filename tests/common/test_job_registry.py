"""The comune job registry: every app's jobs run in every comune, and a new app plugs in by registering."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from src.common import jobs
from src.common.jobs import comune_jobs_run, job, registered_jobs


@pytest.fixture
def scratch_registry():
    saved = dict(jobs._registry)
    yield
    jobs._registry.clear()
    jobs._registry.update(saved)


def test_each_app_registers_its_own_jobs_in_order():
    names = [entry.name for entry in registered_jobs()]
    # Freeing places (holds, no-shows) comes before offering them to the waiting list.
    assert names.index("holds_expired") < names.index("waitlist_offers")
    assert names.index("no_shows_released") < names.index("waitlist_offers")
    modules = {entry.run.__module__ for entry in registered_jobs()}
    assert {"src.bookings.jobs", "src.appointments.jobs", "src.events.jobs"} <= modules


def test_a_job_registered_by_a_new_app_runs_in_every_comune(scratch_registry, cesena, sarsina):
    seen = []

    # What a new app's jobs.py does; no other app is edited.
    @job("sensor_readings_published", order=70)
    def publish(*, now):
        seen.append(connection.schema_name)
        return 1

    call_command("run_comune_jobs")
    assert {"cesena", "sarsina"} <= set(seen)


def test_the_command_can_run_one_job_alone(scratch_registry, cesena, sarsina):
    from src.common.management.commands.run_comune_jobs import run_everywhere

    seen = []

    @job("sensor_readings_published", order=70)
    def publish(*, now):
        seen.append(connection.schema_name)
        return 0

    call_command("run_comune_jobs", only=["outbox"])  # what make run does every 2 s
    assert seen == []
    results = run_everywhere(only=["sensor_readings_published"])
    assert {"cesena", "sarsina"} <= set(seen)
    assert all(set(counts) == {"sensor_readings_published"} for counts in results.values())
    with pytest.raises(CommandError, match="No such comune job: outbx"):
        call_command("run_comune_jobs", only=["outbx"])


def test_a_failing_job_does_not_stop_the_others(scratch_registry, cesena):
    @job("broken", order=1)
    def broken(*, now):
        raise RuntimeError("the mail server is down")

    connection.set_tenant(cesena)
    results = comune_jobs_run()
    assert "broken" not in results
    assert "holds_expired" in results and "event_reminders" in results


def test_two_different_jobs_cannot_share_a_name(scratch_registry):
    with pytest.raises(ValueError):

        @job("holds_expired")
        def another(*, now):
            return 0
