"""Staff see their tools in the header, chosen by role and scope; citizens see none."""

import re
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from src.events.models import Event
from src.hubs.models import HubOperator
from tenants.identity.models import Role
from tests.conftest import host_client
from tests.pages.builders import add_desk, build_hub
from tests.signin import sign_in_staff


def staff_links(response) -> dict[str, str]:
    """href -> group of every link in the header's staff menu."""
    html = response.content.decode()
    return dict(re.findall(r'href="([^"]+)" data-staff-link="([^"]+)"', html))


def two_hubs(cesena):
    connection.set_tenant(cesena)
    centro = build_hub("hub-centro", "Hub Centro", town="Cesena")
    ponte = build_hub("hub-ponte", "Hub Ponte", town="Cesena")
    desk = add_desk(centro, "Sportello Facile", takes_appointments=True, hours={1: [("09:00", "12:00")]})
    other_desk = add_desk(ponte, "Sportello Energia", takes_appointments=True, hours={2: [("09:00", "12:00")]})
    soon = timezone.now() + timedelta(days=2)
    event = Event.objects.create(
        hub=centro, title="Corso SPID", capacity=5, starts_at=soon, ends_at=soon + timedelta(hours=2)
    )
    far = Event.objects.create(
        hub=centro,
        title="Tra un mese",
        capacity=5,
        starts_at=soon + timedelta(days=30),
        ends_at=soon + timedelta(days=30, hours=1),
    )
    connection.set_schema_to_public()
    return centro, ponte, desk, other_desk, event, far


def test_an_operator_sees_only_their_hubs_tools(cesena, make_user):
    centro, ponte, desk, other_desk, event, far = two_hubs(cesena)
    operator = make_user()
    Role.objects.create(user=operator, kind=Role.Kind.OPERATOR, municipality=cesena)
    connection.set_tenant(cesena)
    HubOperator.objects.create(hub=centro, user=operator)
    connection.set_schema_to_public()

    links = staff_links(sign_in_staff(host_client("cesena.localhost"), operator).get("/hub/"))
    assert links.get("/accoglienza/hub-centro/") == "front_desk"
    assert "/accoglienza/hub-ponte/" not in links
    assert links.get(f"/appuntamenti/agenda/{desk.pk}/") == "agenda"
    assert f"/appuntamenti/agenda/{other_desk.pk}/" not in links
    assert links.get(f"/eventi/{event.pk}/presenze/") == "attendance"
    assert f"/eventi/{far.pk}/presenze/" not in links  # only the coming week's
    assert links.get("/admin/") == "admin"  # operators look at the catalogue
    assert "/statistiche/" not in links  # no reports for operators
    # Every link opens for them.
    client = sign_in_staff(host_client("cesena.localhost"), operator)
    for href in links:
        assert client.get(href).status_code == 200, href


def test_an_administrator_sees_every_hub_and_the_comunes_statistics(cesena, cesena_admin):
    two_hubs(cesena)
    links = staff_links(sign_in_staff(host_client("cesena.localhost"), cesena_admin).get("/hub/"))
    assert {"/accoglienza/hub-centro/", "/accoglienza/hub-ponte/", "/statistiche/", "/admin/"} <= set(links)
    # ...but nothing in another comune.
    sarsina_links = staff_links(sign_in_staff(host_client("sarsina.localhost"), cesena_admin).get("/hub/"))
    assert sarsina_links == {}


def test_union_staff_see_the_union_tools(cesena, union_staff):
    links = staff_links(sign_in_staff(host_client("localhost"), union_staff).get("/"))
    assert links == {"/statistiche/": "reports", "/admin/": "admin"}
    on_comune = staff_links(sign_in_staff(host_client("cesena.localhost"), union_staff).get("/hub/"))
    assert on_comune.get("/statistiche/") == "reports"  # the comune's statistics
    assert "http://localhost/admin/" in on_comune and not any(h.startswith("/accoglienza/") for h in on_comune)


def test_a_citizen_sees_no_staff_tools(cesena, citizen):
    two_hubs(cesena)
    for host in ("cesena.localhost", "localhost"):
        response = host_client(host, citizen).get("/")
        assert response.status_code == 200
        assert 'data-element="staff-tools"' not in response.content.decode()
    assert 'data-element="staff-tools"' not in host_client("cesena.localhost").get("/").content.decode()
