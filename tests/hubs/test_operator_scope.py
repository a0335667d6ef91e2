"""Operators in the comune's admin see only the rows of the hubs assigned to them, in EVERY admin
of the site: the test walks the site's registry, so a new admin without a hub scope (or without
a row builder here) fails it."""

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from django.db import models
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context
from psycopg2.extras import DateTimeTZRange

from src.appointments.models import Appointment
from src.bookings.models import Booking, WaitlistEntry
from src.common.admin import comune_admin
from src.desks.models import ServiceDesk
from src.events.models import Event, EventRegistration
from src.hubs.admin import COMUNE_WIDE, HubScopedAdmin
from src.hubs.models import Closure, Hub, HubOperator, Layout, LayoutSchedule, Seat, Space, SpecialOpening
from src.sensors.models import AirAlert, Sensor
from tests.conftest import host_client, page_text
from tests.fixtures import UserFactory
from tests.hubs.factories import make_hub, make_space
from tests.signin import sign_in_staff


def _rows_of_a_hub(hub: Hub, tag: str, person) -> dict[type, models.Model]:
    """One row of every model of the comune's admin, in `hub`."""
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    period = DateTimeTZRange(start, start + timedelta(hours=1))
    space = make_space(hub, f"Sala {tag}", seats=1)
    seat = space.seats.get()
    layout = Layout.objects.create(space=space, name=f"Allestimento {tag}")
    desk = ServiceDesk.objects.create(
        hub=hub, kind="sportello_facile", name=f"Sportello {tag}", takes_appointments=True
    )
    event = Event.objects.create(
        hub=hub,
        title=f"Evento {tag}",
        capacity=5,
        starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=1, hours=2),
    )
    booking = Booking.objects.create(
        code=f"SCOPE{tag.upper()}00"[:8], person=person, hub=hub, space=space, seat=seat, period=period
    )
    sensor = Sensor.objects.create(space=space, kind="co2", device_id=f"cesena-co2-{tag}")
    return {
        Hub: hub,
        Space: space,
        Seat: seat,
        Layout: layout,
        LayoutSchedule: LayoutSchedule.objects.create(
            space=space, layout=layout, date=date.today() + timedelta(days=3)
        ),
        Closure: Closure.objects.create(hub=hub, starts_on=date(2031, 8, 10), ends_on=date(2031, 8, 20), reason=tag),
        SpecialOpening: SpecialOpening.objects.create(hub=hub, date=date(2031, 12, 24), opens=time(9), closes=time(12)),
        HubOperator: HubOperator.objects.create(hub=hub, user=UserFactory()),
        ServiceDesk: desk,
        Booking: booking,
        WaitlistEntry: WaitlistEntry.objects.create(person=person, space=space, seat=seat, period=period),
        Event: event,
        EventRegistration: EventRegistration.objects.create(event=event, person=person),
        Sensor: sensor,
        AirAlert: AirAlert.objects.create(sensor=sensor, started_at=start, opened_at=start, peak=1500),
        Appointment: Appointment.objects.create(
            desk=desk,
            code=f"AP{tag.upper()}0000"[:9],
            period=period,
            topic="SPID",
            applicant_name="Mario Verdi",
            email="mario.verdi@example.org",
        ),
    }


@pytest.fixture
def two_hubs(cesena, cesena_operator, citizen):
    with tenant_context(cesena):
        hub_a = make_hub("hub-a", "Hub Ponte Abbadesse")
        hub_b = make_hub("hub-b", "Hub San Vittore")
        HubOperator.objects.create(hub=hub_a, user=cesena_operator)
        rows_a = _rows_of_a_hub(hub_a, "a", citizen)
        rows_b = _rows_of_a_hub(hub_b, "b", citizen)
    return SimpleNamespace(a=hub_a, b=hub_b, rows_a=rows_a, rows_b=rows_b)


def _admins():
    return sorted(comune_admin._registry.items(), key=lambda item: item[0]._meta.label)


def _url(model, suffix=""):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def _in_hub(model_admin, model, hub):
    lookup = f"{model_admin.hub_path}" if model_admin.hub_path else "pk"
    return set(model.objects.filter(**{lookup: hub.pk}).values_list("pk", flat=True))


def test_every_admin_of_the_comune_declares_its_hub_scope():
    for _model, model_admin in _admins():
        assert isinstance(model_admin, HubScopedAdmin), f"{type(model_admin).__name__} is not a HubScopedAdmin"
        assert model_admin.hub_path is not None, f"{type(model_admin).__name__} declares no hub_path"
        assert model_admin.check() == [], model_admin.check()


def test_an_operator_sees_only_their_hubs_rows_in_every_admin_list(cesena, cesena_operator, two_hubs):
    client = sign_in_staff(host_client("cesena.localhost"), cesena_operator)
    listed = 0
    for model, model_admin in _admins():
        if model_admin.hub_path == COMUNE_WIDE:
            continue
        assert model in two_hubs.rows_b, f"add a row of {model.__name__} to _rows_of_a_hub"
        response = client.get(_url(model), {"all": ""})
        assert response.status_code == 200, model
        shown = {row.pk for row in response.context["cl"].result_list}
        with tenant_context(cesena):
            expected = _in_hub(model_admin, model, two_hubs.a)
        assert expected and shown == expected, model
        assert two_hubs.rows_b[model].pk not in shown, model
        # Not even the name of the other hub, in the rows or in the filters.
        assert "Hub San Vittore" not in page_text(response), model
        listed += 1
    assert listed >= 13


def test_the_comune_administrator_sees_every_hub(cesena, cesena_admin, two_hubs):
    client = sign_in_staff(host_client("cesena.localhost"), cesena_admin)
    for model, model_admin in _admins():
        if model_admin.hub_path == COMUNE_WIDE:
            continue
        shown = {row.pk for row in client.get(_url(model)).context["cl"].result_list}
        assert {two_hubs.rows_a[model].pk, two_hubs.rows_b[model].pk} <= shown, model


def test_an_operator_cannot_open_another_hubs_row_by_its_id(cesena, cesena_operator, two_hubs):
    client = sign_in_staff(host_client("cesena.localhost"), cesena_operator)
    for model, model_admin in _admins():
        if model_admin.hub_path == COMUNE_WIDE:
            continue
        mine, theirs = two_hubs.rows_a[model].pk, two_hubs.rows_b[model].pk
        assert client.get(_url(model, f"{mine}/change/")).status_code == 200, model
        assert client.get(_url(model, f"{theirs}/change/")).status_code == 404, model
        assert client.get(_url(model, f"{theirs}/history/")).status_code == 404, model
        assert client.post(_url(model, f"{theirs}/change/"), {}).status_code in (403, 404), model
        assert client.post(_url(model, f"{theirs}/delete/"), {"post": "yes"}).status_code in (403, 404), model
    with tenant_context(cesena):
        for model, row in two_hubs.rows_b.items():
            assert model.objects.filter(pk=row.pk).exists(), model


def test_actions_reach_no_row_of_another_hub(cesena, cesena_operator, two_hubs):
    client = sign_in_staff(host_client("cesena.localhost"), cesena_operator)
    theirs, mine = two_hubs.rows_b[Booking], two_hubs.rows_a[Booking]
    for action in ("cancel_selected", "delete_selected"):
        client.post(_url(Booking), {"action": action, "_selected_action": [theirs.pk, mine.pk], "post": "yes"})
    with tenant_context(cesena):
        assert set(Booking.objects.filter(pk__in=[theirs.pk, mine.pk]).values_list("state", flat=True)) == {"confirmed"}


def test_related_choices_offer_only_the_operators_hubs(cesena, cesena_operator, two_hubs):
    """Foreign-key and many-to-many choices (and so autocomplete) come from the related admin's scope."""
    request = RequestFactory().get("/admin/")
    request.user, request.municipality = cesena_operator, cesena
    request.resolver_match = SimpleNamespace(kwargs={})
    checked = 0
    with tenant_context(cesena):
        for model, model_admin in _admins():
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete) or field.related_model not in two_hubs.rows_b:
                    continue
                related_admin = comune_admin._registry.get(field.related_model)
                if related_admin is None or field.name == "default_layout":  # the room's own layouts
                    continue
                if field.many_to_many:
                    formfield = model_admin.formfield_for_manytomany(field, request)
                else:
                    formfield = model_admin.formfield_for_foreignkey(field, request)
                choices = set(formfield.queryset.values_list("pk", flat=True))
                assert two_hubs.rows_b[field.related_model].pk not in choices, (model, field.name)
                assert two_hubs.rows_a[field.related_model].pk in choices, (model, field.name)
                checked += 1
    assert checked >= 10
