"""Onboarding commands: running them twice changes nothing, and says so."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

from tenants.comuni.models import Domain, Municipality


def _run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_create_comune_again_changes_nothing(cesena):
    before = (Municipality.objects.count(), Domain.objects.count())
    output = _run("create_comune", "cesena", name="Cesena", istat="040007", province="FC")
    assert "already exists, nothing changed" in output
    assert (Municipality.objects.count(), Domain.objects.count()) == before


def test_provision_union_reports_each_comune_and_is_idempotent(db):
    first = _run("provision_union")
    assert "[6/6] Verghereto" in first
    counts = (Municipality.objects.count(), Domain.objects.count())
    second = _run("provision_union")
    assert "All comuni already exist: nothing changed." in second
    assert (Municipality.objects.count(), Domain.objects.count()) == counts == (6, 6)
    connection.set_schema_to_public()


def test_create_comune_with_institutional_domain_and_administrator(db):
    output = _run(
        "create_comune",
        "gambettola",
        name="Gambettola",
        istat="040015",
        province="fc",
        domain=["servizi.comune.gambettola.fc.it"],
        admin_email="sindaco@gambettola.example.org",
    )
    assert "Gambettola: created" in output
    comune = Municipality.objects.get(slug="gambettola")
    assert sorted(comune.domains.values_list("domain", "is_primary")) == [
        ("gambettola.localhost", True),
        ("servizi.comune.gambettola.fc.it", False),
    ]
    assert comune.roles.get().user.email == "sindaco@gambettola.example.org"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('gambettola.django_admin_log')")
        assert cursor.fetchone()[0] is not None
    connection.set_schema_to_public()


def test_bad_istat_code_is_refused_with_a_message(db):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="codice ISTAT|istat_code"):
        _run("create_comune", "atlantide", name="Atlantide", istat="12", province="FC")
    assert not Municipality.objects.filter(slug="atlantide").exists()


def test_hostile_slugs_are_refused_at_creation(db):
    import pytest
    from django.core.exceptions import ValidationError

    from tenants.comuni.services import municipality_create

    for slug in ('x";drop schema public;--', "Cesena", "pg-toast", "public", "comune_template", "-a", "a" * 60):
        with pytest.raises(ValidationError):
            municipality_create(slug=slug, name="X", istat_code="099999", province="FC")
    assert not Municipality.objects.filter(istat_code="099999").exists()


def test_union_staff_add_a_comune_from_the_union_admin(db, union_staff):
    from tests.conftest import host_client, page_text

    client = host_client("localhost", union_staff)
    form = {
        "name": "Gambettola",
        "slug": "gambettola",
        "istat_code": "040015",
        "province": "FC",
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "0",
        "domains-0-domain": "servizi.comune.gambettola.fc.it",
        "domains-0-is_primary": "",
    }
    response = client.post("/admin/comuni/municipality/add/", form, follow=True)
    assert response.status_code == 200, page_text(response)[:500]
    assert "Comune creato: schema «gambettola»" in page_text(response)
    comune = Municipality.objects.get(slug="gambettola")
    assert sorted(comune.domains.values_list("domain", flat=True)) == [
        "gambettola.localhost",
        "servizi.comune.gambettola.fc.it",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('gambettola.bookings_booking')")
        assert cursor.fetchone()[0] is not None
    hostile = {**form, "slug": "pg-x", "istat_code": "040016", "domains-0-domain": "servizi.example.org"}
    refused = client.post("/admin/comuni/municipality/add/", hostile)
    assert refused.status_code == 200 and "è un nome riservato" in page_text(refused)
    assert not Municipality.objects.filter(istat_code="040016").exists()
    connection.set_schema_to_public()
