"""Places, waitlist and promotion, as people see them on the event's page and by e-mail."""

from datetime import timedelta

from django.core import mail
from django.db import connection
from django.utils import timezone

from src.events.models import EventRegistration
from tests.conftest import drain_outbox, host_client, page_text


def _register(person, event):
    return host_client("cesena.localhost", person).post(f"/eventi/{event.pk}/iscrizione/", follow=True)


def test_capacity_then_waitlist_then_promotion_by_email(cesena, cesena_event, make_user):
    anna, bruno, carla, dario = (make_user(first_name=n) for n in ("Anna", "Bruno", "Carla", "Dario"))
    dario.language = "en"
    dario.save()
    assert "Iscrizione confermata" in page_text(_register(anna, cesena_event))
    assert "Iscrizione confermata" in page_text(_register(bruno, cesena_event))
    full = page_text(_register(carla, cesena_event))
    waiting = page_text(_register(dario, cesena_event))
    drain_outbox(cesena)
    assert "sei in lista d'attesa" in full and "posizione 1" in full
    assert "posizione 2" in waiting
    assert [m.to[0] for m in mail.outbox] == [anna.email, bruno.email, carla.email, dario.email]
    assert "lista d'attesa" in mail.outbox[2].subject and not mail.outbox[2].attachments
    assert mail.outbox[0].attachments[0][0] == "evento.ics"

    listing = page_text(host_client("cesena.localhost").get("/eventi/"))
    assert "Corso di competenze digitali" in listing and "Posti esauriti: lista d'attesa aperta" in listing

    # Bruno cancels: Carla, first in line, gets the place and an e-mail; Dario moves up.
    mail.outbox.clear()
    response = host_client("cesena.localhost", bruno).post(
        f"/eventi/{cesena_event.pk}/iscrizione/annulla/", follow=True
    )
    drain_outbox(cesena)
    assert "La tua iscrizione è stata annullata" in page_text(response)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([bruno.email, carla.email])
    promoted = next(m for m in mail.outbox if m.to == [carla.email])
    assert "Si è liberato un posto" in promoted.subject and promoted.attachments
    assert "Sei iscritto: hai un posto" in page_text(
        host_client("cesena.localhost", carla).get(f"/eventi/{cesena_event.pk}/")
    )
    assert "posizione 1" in page_text(host_client("cesena.localhost", dario).get(f"/eventi/{cesena_event.pk}/"))

    connection.set_tenant(cesena)
    states = dict(
        EventRegistration.objects.filter(event=cesena_event).values_list("person__first_name", "state").order_by("pk")
    )
    assert states == {"Anna": "registered", "Bruno": "cancelled", "Carla": "registered", "Dario": "waitlisted"}
    carla_row = EventRegistration.objects.get(event=cesena_event, person=carla)
    assert [(t.from_state, t.to_state, t.channel) for t in carla_row.transitions.all()] == [
        ("", "waitlisted", "web"),
        ("waitlisted", "registered", "system"),
    ]


def test_registering_twice_closed_or_started_is_refused_with_a_message(cesena, cesena_event, make_user):
    anna = make_user()
    _register(anna, cesena_event)
    assert "Sei già iscritto a questo evento" in page_text(_register(anna, cesena_event))
    connection.set_tenant(cesena)
    cesena_event.registration_open = False
    cesena_event.save()
    assert "Le iscrizioni a questo evento sono chiuse" in page_text(_register(make_user(), cesena_event))
    cesena_event.registration_open = True
    cesena_event.starts_at = timezone.now() - timedelta(minutes=5)
    cesena_event.save()
    assert "L'evento è già iniziato" in page_text(_register(make_user(), cesena_event))


def test_anonymous_visitor_is_asked_to_sign_in(cesena_event):
    client = host_client("cesena.localhost")
    assert "Accedi per iscriverti" in page_text(client.get(f"/eventi/{cesena_event.pk}/"))
    response = client.post(f"/eventi/{cesena_event.pk}/iscrizione/")
    assert response.status_code == 302 and "/account/accedi/" in response["Location"]


def test_more_places_promote_the_waitlist(cesena, cesena_event, make_user):
    from src.events.services import event_places_refill

    people = [make_user() for _ in range(4)]
    for person in people:
        _register(person, cesena_event)
    connection.set_tenant(cesena)
    cesena_event.capacity = 3
    cesena_event.save()
    promoted = event_places_refill(event=cesena_event)
    assert [r.person_id for r in promoted] == [people[2].pk]
