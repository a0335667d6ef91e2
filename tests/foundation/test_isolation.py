"""Data written in one comune's schema is invisible from another's."""

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django_tenants.utils import tenant_context

from tests.conftest import host_client, page_text


def test_change_log_of_one_comune_is_not_seen_in_another(cesena, sarsina, cesena_admin, sarsina_admin):
    with tenant_context(cesena):
        LogEntry.objects.create(
            user=cesena_admin,
            content_type=ContentType.objects.get_for_model(LogEntry),
            object_repr="Sala Lettura Cesena",
            action_flag=ADDITION,
        )
        assert LogEntry.objects.filter(object_repr="Sala Lettura Cesena").exists()
    with tenant_context(sarsina):
        assert not LogEntry.objects.filter(object_repr="Sala Lettura Cesena").exists()

    # And by page: Sarsina's administrator's "recent actions" do not show it.
    assert "Sala Lettura Cesena" in page_text(host_client("cesena.localhost", cesena_admin).get("/admin/"))
    assert "Sala Lettura Cesena" not in page_text(host_client("sarsina.localhost", sarsina_admin).get("/admin/"))
