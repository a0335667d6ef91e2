"""Operators of the hub and the comune's administrators mark who came; nobody else can."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from src.events.models import Event, EventRegistration
from src.events.services import event_register
from src.hubs.models import HubOperator
from tenants.identity.models import Role
from tests.conftest import host_client, page_text


def test_operator_marks_attendance_on_the_page_and_by_api(cesena, cesena_event, cesena_admin, make_user):
    anna, bruno = make_user(first_name="Anna", last_name="Arrivata"), make_user(first_name="Bruno", last_name="Assente")
    connection.set_tenant(cesena)
    mine = event_register(event=cesena_event, person=anna)
    event_register(event=cesena_event, person=bruno)
    Event.objects.filter(pk=cesena_event.pk).update(starts_at=timezone.now() - timedelta(minutes=10))

    operator, other_operator = make_user(), make_user()
    for user in (operator, other_operator):
        Role.objects.create(user=user, kind=Role.Kind.OPERATOR, municipality=cesena)
    HubOperator.objects.create(hub=cesena_event.hub, user=operator)

    sheet = host_client("cesena.localhost", operator).get(f"/eventi/{cesena_event.pk}/presenze/")
    assert sheet.status_code == 200 and "Anna Arrivata" in page_text(sheet) and "Bruno Assente" in page_text(sheet)
    response = host_client("cesena.localhost", operator).post(
        f"/eventi/{cesena_event.pk}/presenze/{mine.pk}/", {"attended": "1"}, follow=True
    )
    assert "Annulla presenza" in page_text(response)

    for refused in (anna, other_operator):
        client = host_client("cesena.localhost", refused)
        assert client.get(f"/eventi/{cesena_event.pk}/presenze/").status_code == 403
        assert (
            client.post(
                f"/api/v1/events/{cesena_event.pk}/registrations/{mine.pk}/attendance/",
                {"attended": False},
                content_type="application/json",
            ).status_code
            == 403
        )

    admin_api = host_client("cesena.localhost", cesena_admin)
    rows = admin_api.get(f"/api/v1/events/{cesena_event.pk}/registrations/").json()
    assert {r["name"]: r["state"] for r in rows} == {"Anna Arrivata": "attended", "Bruno Assente": "registered"}
    response = admin_api.post(
        f"/api/v1/events/{cesena_event.pk}/registrations/{mine.pk}/attendance/",
        {"attended": False},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["state"] == "registered"
    connection.set_tenant(cesena)
    assert [(t.to_state, t.by_id) for t in EventRegistration.objects.get(pk=mine.pk).transitions.all()][1:] == [
        ("attended", operator.pk),
        ("registered", cesena_admin.pk),
    ]


def test_attendance_is_not_marked_before_the_event_day(cesena, cesena_event, cesena_admin, make_user):
    connection.set_tenant(cesena)
    registration = event_register(event=cesena_event, person=make_user())
    response = host_client("cesena.localhost", cesena_admin).post(
        f"/api/v1/events/{cesena_event.pk}/registrations/{registration.pk}/attendance/",
        {"attended": True},
        content_type="application/json",
    )
    assert response.status_code == 400 and "dal giorno dell'evento" in response.json()["detail"]
