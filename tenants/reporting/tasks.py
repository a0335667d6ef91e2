"""Union-level Celery task: refresh the reporting rollups (beat sends it in the public schema)."""

from celery import shared_task

from tenants.reporting.rollup import rollup_refresh


@shared_task(name="reporting.rollups_refresh")
def rollups_refresh(full: bool = False) -> dict:
    """Recent and coming days every few minutes; `full` (since last January) nightly."""
    outcome = rollup_refresh(full=full)
    return {"comuni": outcome.comuni, "seconds": round(outcome.seconds, 2), "rows": dict(outcome.rows)}
