"""Every API write is recorded in the comune's change log: who, what, when."""

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django_tenants.utils import tenant_context

from tests.conftest import host_client, page_text
from tests.hubs.api import cesena_api
from tests.hubs.factories import make_hub


def test_api_create_change_delete_are_logged_with_author(cesena, sarsina, cesena_admin):
    with tenant_context(cesena):
        hub = make_hub()
    api = cesena_api(cesena_admin)
    space_id = api.post("spaces/", {"hub": hub.pk, "name": "Sala Savio", "kind": "meeting", "capacity": 4}).json()["id"]
    assert api.patch(f"spaces/{space_id}/", {"capacity": 6, "name": "Sala Savio"}).status_code == 200
    assert api.patch(f"spaces/{space_id}/", {"capacity": 6}).status_code == 200  # no change, no entry
    assert api.delete(f"spaces/{space_id}/").status_code == 204

    with tenant_context(cesena):
        entries = list(LogEntry.objects.filter(object_id=str(space_id), content_type__model="space").order_by("id"))
        assert [e.action_flag for e in entries] == [ADDITION, CHANGE, DELETION]
        assert {e.user for e in entries} == {cesena_admin}
        assert all(e.action_time is not None for e in entries)
        assert entries[0].object_repr.startswith("Sala Savio")
        assert json.loads(entries[1].change_message)[0]["changed"]["fields"] == ["capienza"]
        assert json.loads(entries[1].change_message)[0]["channel"] == "API"
        assert entries[1].get_change_message() == "Modificati capienza."
    with tenant_context(sarsina):
        assert not LogEntry.objects.filter(object_repr__startswith="Sala Savio").exists()


def test_api_changes_show_in_the_admin_history(cesena, cesena_admin):
    with tenant_context(cesena):
        hub = make_hub()
    cesena_api(cesena_admin).patch(f"hubs/{hub.pk}/", {"description": "Orari estivi"})
    history = page_text(host_client("cesena.localhost", cesena_admin).get(f"/admin/hubs/hub/{hub.pk}/history/"))
    assert "Modificati descrizione" in history
    assert cesena_admin.get_full_name() in history or cesena_admin.email in history


def test_refused_and_invalid_writes_leave_no_entry(cesena, cesena_admin, citizen):
    with tenant_context(cesena):
        hub = make_hub()
        before = LogEntry.objects.count()
    cesena_api(citizen).patch(f"hubs/{hub.pk}/", {"description": "x"})
    cesena_api(cesena_admin).post(f"hubs/{hub.pk}/opening-hours/", {"weekday": 1, "opens": "12:00", "closes": "10:00"})
    with tenant_context(cesena):
        assert LogEntry.objects.count() == before
