from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from src.desks.models import DeskHours, ServiceDesk
from src.hubs.models import Hub, OpeningHours


def make_desk(municipality, *, name="Sportello Facile", slot_minutes=30, opens=time(9), closes=time(11), topics=None):
    """A published hub open every day 8-19 with a desk taking appointments every day."""
    connection.set_tenant(municipality)
    hub = Hub.objects.create(
        name=f"Hub di {municipality.name}",
        slug=f"hub-{municipality.slug}-{name.lower().replace(' ', '-')}",
        address="Piazza del Popolo 10",
        town=municipality.name,
        is_published=True,
    )
    for weekday in range(7):
        OpeningHours.objects.create(hub=hub, weekday=weekday, opens=time(8), closes=time(19))
    desk = ServiceDesk.objects.create(
        hub=hub,
        kind="sportello_facile",
        name=name,
        takes_appointments=True,
        slot_minutes=slot_minutes,
        topics=topics if topics is not None else ["SPID e CIE", "Pagamenti pagoPA"],
    )
    for weekday in range(7):
        DeskHours.objects.create(desk=desk, weekday=weekday, opens=opens, closes=closes)
    return desk


@pytest.fixture
def cesena_desk(cesena):
    return make_desk(cesena)


@pytest.fixture
def sarsina_desk(sarsina):
    desk = make_desk(sarsina)
    connection.set_schema_to_public()
    return desk


@pytest.fixture
def day_after_tomorrow():
    return timezone.localdate() + timedelta(days=2)


def confirmed(appointment):
    """A held appointment (booked without an account) confirmed as the link in its e-mail does."""
    from src.appointments.services import appointment_confirm
    from src.appointments.tokens import confirm_token

    return appointment_confirm(token=confirm_token(appointment))


def confirm_path(message) -> str:
    """The path of the confirmation link in the e-mail of a held appointment."""
    import re

    return re.search(r"https?://[^/\s]+(/appuntamenti/conferma/\S+/)", message.body).group(1)


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """pytest-django's, then the outbox drained in every comune: e-mails leave through the
    outbox (src/outbox), after the request, as the drain would send them."""
    from contextlib import contextmanager

    from django_tenants.utils import tenant_context

    from tenants.comuni.selectors import municipality_list
    from tests.conftest import drain_outbox

    @contextmanager
    def capture(**kwargs):
        with django_capture_on_commit_callbacks(**kwargs) as callbacks:
            yield callbacks
        for municipality in list(municipality_list()):
            with tenant_context(municipality):  # puts the test's own comune back afterwards
                drain_outbox()

    return capture
