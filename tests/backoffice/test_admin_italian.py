"""The comune's back office speaks Italian: section names, messages that agree with each model's
gender, constraints as sentences, seats in bulk, and the refusals of a desk without hours and of an
event while its hub is closed."""

from datetime import timedelta

from django_tenants.utils import tenant_context

from src.common.time import local_today
from src.desks.models import ServiceDesk
from src.events.models import Event
from src.hubs.models import Closure, Seat
from tests.conftest import host_client, page_text
from tests.hubs.factories import make_hub, make_space
from tests.signin import sign_in_staff


def admin_client(user):
    return sign_in_staff(host_client("cesena.localhost"), user)


def next_weekday(weekday: int):
    day = local_today() + timedelta(days=7)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def test_sections_are_named_in_italian(cesena, cesena_admin):
    text = page_text(admin_client(cesena_admin).get("/admin/"))
    for name in ("Prenotazioni", "Sportelli", "Eventi", "Hub"):
        assert name in text
    for english in ("Bookings", "BOOKINGS", "Desks", "Events", "Hubs"):
        assert english not in text


def test_messages_agree_with_the_model_and_carry_no_wrong_article(cesena, cesena_admin):
    with tenant_context(cesena):
        space = make_space(make_hub(), "Sala Cesuola")
    client = admin_client(cesena_admin)
    response = client.post("/admin/hubs/seat/add/", {"space": space.pk, "label": "P1", "is_active": "on"}, follow=True)
    text = page_text(response)
    assert "Postazione «P1 · Sala Cesuola» aggiunta." in text
    assert "Il postazione" not in text and "è stato aggiunto" not in text

    with tenant_context(cesena):
        seat = Seat.objects.get(space=space, label="P1")
    response = client.post(
        f"/admin/hubs/seat/{seat.pk}/change/", {"space": space.pk, "label": "P1", "is_active": ""}, follow=True
    )
    assert "Postazione «P1 · Sala Cesuola» salvata." in page_text(response)
    response = client.post(f"/admin/hubs/seat/{seat.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Postazione «P1 · Sala Cesuola» eliminata." in page_text(response)


def test_a_duplicate_seat_label_is_refused_with_a_sentence(cesena, cesena_admin):
    with tenant_context(cesena):
        space = make_space(make_hub(), "Sala Cesuola", seats=1)
    response = admin_client(cesena_admin).post("/admin/hubs/seat/add/", {"space": space.pk, "label": "P1"})
    assert response.status_code == 200
    text = page_text(response)
    assert "In questo spazio c'è già una postazione con questa etichetta." in text
    assert "seat_label_unique_in_space" not in text and "vincolo" not in text


def space_form(hub, **fields):
    return {
        "hub": hub.pk,
        "name": "Sala Cesuola",
        "kind": "coworking",
        "capacity": 12,
        "description": "",
        "seats-TOTAL_FORMS": "0",
        "seats-INITIAL_FORMS": "0",
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_seats_are_created_in_bulk_from_a_range(cesena, cesena_admin):
    with tenant_context(cesena):
        hub = make_hub()
    client = admin_client(cesena_admin)
    response = client.post("/admin/hubs/space/add/", space_form(hub, seat_range="P1–P12"), follow=True)
    assert response.status_code == 200
    assert "Postazioni aggiunte a «Sala Cesuola»: P1, P2" in page_text(response)
    with tenant_context(cesena):
        space = hub.spaces.get(name="Sala Cesuola")
        assert sorted(space.seats.values_list("label", flat=True), key=lambda x: int(x[1:])) == [
            f"P{n}" for n in range(1, 13)
        ]

    # Again over a range that overlaps: the missing ones are added, the others left alone.
    response = client.post(f"/admin/hubs/space/{space.pk}/change/", space_form(hub, seat_range="P11-P14"), follow=True)
    text = page_text(response)
    assert "P13, P14" in text and "Già presenti, lasciate come sono: P11, P12." in text
    with tenant_context(cesena):
        assert space.seats.count() == 14


def test_a_range_that_is_not_one_is_refused_in_italian(cesena, cesena_admin):
    with tenant_context(cesena):
        hub = make_hub()
    client = admin_client(cesena_admin)
    response = client.post("/admin/hubs/space/add/", space_form(hub, seat_range="P12–P1"))
    assert response.status_code == 200
    assert "L'intervallo va dal numero più piccolo al più grande" in page_text(response)
    response = client.post("/admin/hubs/space/add/", space_form(hub, seat_range="tante"))
    assert "Scrivi un intervallo di etichette come «P1–P12»" in page_text(response)
    with tenant_context(cesena):
        assert not hub.spaces.exists()


def desk_form(hub, *, takes_appointments=True, hours=()):
    data = {
        "hub": hub.pk,
        "kind": "sportello_facile",
        "name": "Sportello Facile",
        "description": "",
        "topics": "",
        "how_to_reach": "",
        "slot_minutes": 30,
        "email": "",
        "phone": "",
        "hours-TOTAL_FORMS": str(len(hours)),
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    if takes_appointments:
        data["takes_appointments"] = "on"
    for index, (weekday, opens, closes) in enumerate(hours):
        data |= {f"hours-{index}-weekday": weekday, f"hours-{index}-opens": opens, f"hours-{index}-closes": closes}
    return data


def test_a_desk_taking_appointments_needs_hours(cesena, cesena_admin):
    with tenant_context(cesena):
        hub = make_hub()
    client = admin_client(cesena_admin)
    response = client.post("/admin/desks/servicedesk/add/", desk_form(hub))
    assert response.status_code == 200
    assert "Uno sportello che riceve su appuntamento ha bisogno di almeno un orario" in page_text(response)
    with tenant_context(cesena):
        assert not ServiceDesk.objects.exists()

    # Without appointments, no hours are needed; with hours, it takes appointments.
    assert client.post("/admin/desks/servicedesk/add/", desk_form(hub, takes_appointments=False)).status_code == 302
    response = client.post("/admin/desks/servicedesk/add/", desk_form(hub, hours=[(1, "09:00", "12:00")]), follow=True)
    assert "Sportello «Sportello Facile» aggiunto." in page_text(response)


def test_removing_the_last_hour_of_a_desk_taking_appointments_is_refused(cesena, cesena_admin):
    from tests.pages.builders import add_desk

    with tenant_context(cesena):
        desk = add_desk(make_hub(), hours={1: [("09:00", "12:00")]}, takes_appointments=True)
        hour = desk.hours.get()
    data = desk_form(desk.hub, hours=[(1, "09:00", "12:00")])
    data |= {"hours-INITIAL_FORMS": "1", "hours-0-id": hour.pk, "hours-0-desk": desk.pk, "hours-0-DELETE": "on"}
    response = admin_client(cesena_admin).post(f"/admin/desks/servicedesk/{desk.pk}/change/", data)
    assert response.status_code == 200
    assert "ha bisogno di almeno un orario" in page_text(response)
    with tenant_context(cesena):
        assert desk.hours.count() == 1


def event_form(hub, day, start="10:00", end="12:00"):
    return {
        "hub": hub.pk,
        "space": "",
        "title": "Corso SPID",
        "description": "",
        "kind": "course",
        "starts_at_0": day.isoformat(),
        "starts_at_1": start,
        "ends_at_0": day.isoformat(),
        "ends_at_1": end,
        "capacity": 10,
        "registration_open": "on",
        "is_published": "on",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
    }


def test_an_event_must_fall_inside_its_hubs_opening_hours(cesena, cesena_admin):
    tuesday, monday = next_weekday(1), next_weekday(0)
    with tenant_context(cesena):
        hub = make_hub(hours={1: [("09:00", "13:00")]})  # open on Tuesday mornings only
        Closure.objects.create(
            hub=hub,
            starts_on=tuesday + timedelta(days=7),
            ends_on=tuesday + timedelta(days=7),
            reason="festa del patrono",
        )
    client = admin_client(cesena_admin)

    response = client.post("/admin/events/event/add/", event_form(hub, monday))
    assert response.status_code == 200
    assert f"L'hub non è aperto il {monday:%d/%m/%Y}: scegli un giorno in cui è aperto." in page_text(response)

    response = client.post("/admin/events/event/add/", event_form(hub, tuesday + timedelta(days=7)))
    assert "L'hub è chiuso il" in page_text(response) and "festa del patrono" in page_text(response)

    response = client.post("/admin/events/event/add/", event_form(hub, tuesday, "12:00", "14:00"))
    assert "il " + f"{tuesday:%d/%m/%Y}" + " l'hub è aperto 09:00–13:00" in page_text(response)
    with tenant_context(cesena):
        assert not Event.objects.exists()

    response = client.post("/admin/events/event/add/", event_form(hub, tuesday), follow=True)
    assert "Evento «Corso SPID» aggiunto." in page_text(response)
