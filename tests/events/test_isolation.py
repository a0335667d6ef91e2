"""A Sarsina event cannot be seen or changed from Cesena, by page or by API."""

from django.db import connection

from src.events.models import EventRegistration
from tests.conftest import host_client, page_text


def test_sarsina_event_is_invisible_and_unchangeable_from_cesena(
    sarsina, cesena, sarsina_event, make_user, cesena_admin
):
    person = make_user()
    cesena_site = host_client("cesena.localhost", person)
    assert "Serata di comunità a Sarsina" not in page_text(cesena_site.get("/eventi/"))
    assert cesena_site.get("/api/v1/events/").json() == []
    # Cesena has no event with that id at all: pages and API answer 404, nothing is written.
    assert cesena_site.get(f"/eventi/{sarsina_event.pk}/").status_code == 404
    assert cesena_site.post(f"/eventi/{sarsina_event.pk}/iscrizione/").status_code == 404
    assert cesena_site.post(f"/api/v1/events/{sarsina_event.pk}/registration/").status_code == 404
    assert (
        host_client("cesena.localhost", cesena_admin)
        .get(f"/api/v1/events/{sarsina_event.pk}/registrations/")
        .status_code
        == 404
    )

    # Registered in Sarsina: Cesena's site cannot cancel it.
    assert (
        host_client("sarsina.localhost", person).post(f"/api/v1/events/{sarsina_event.pk}/registration/").status_code
        == 201
    )
    assert cesena_site.delete(f"/api/v1/events/{sarsina_event.pk}/registration/").status_code == 404
    connection.set_tenant(sarsina)
    assert EventRegistration.objects.get(event=sarsina_event, person=person).state == "registered"
