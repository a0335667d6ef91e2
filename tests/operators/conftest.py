"""A cooperative running one hub in Cesena and one in Sarsina, beside hubs it does not run.

The hubs' ids are chosen so that guessing goes wrong on purpose: Cesena's hub that the
cooperative does NOT run has the same id as Sarsina's hub that it DOES run (and the other
way round), so a check that forgot the comune would let the staff in.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from src.desks.models import DeskHours, ServiceDesk
from src.events.models import Event
from src.hubs.models import Hub, OpeningHours, Seat, Space
from tenants.operators import services
from tenants.operators.access import local_today
from tenants.operators.models import OperatorOrganisation, OrganisationStaff
from tests.fixtures import UserFactory

RUN_ID, OTHER_ID = 910001, 910002  # Cesena runs RUN_ID; Sarsina runs OTHER_ID


@dataclass
class ComuneSide:
    municipality: object
    host: str
    run: Hub  # the hub the cooperative runs
    other: Hub  # a hub it does not run
    run_desk: ServiceDesk
    other_desk: ServiceDesk
    run_event: Event
    other_event: Event


@dataclass
class World:
    organisation: OperatorOrganisation
    staff: object
    cesena: ComuneSide
    sarsina: ComuneSide
    contracts: dict


def build_hub(municipality, hub_id: int, slug: str, name: str) -> tuple[Hub, ServiceDesk, Event]:
    with tenant_context(municipality):
        hub = Hub.objects.create(
            id=hub_id, slug=slug, name=name, address="Piazza 1", town=municipality.name, is_published=True
        )
        for weekday in range(7):
            OpeningHours.objects.create(hub=hub, weekday=weekday, opens=time(8), closes=time(20))
        space = Space.objects.create(hub=hub, name="Coworking", kind="coworking", capacity=6, bookable_whole=True)
        for n in range(1, 7):
            Seat.objects.create(space=space, label=f"P{n}")
        Space.objects.create(hub=hub, name="Sala eventi", kind="event", capacity=30, bookable_whole=True)
        desk = ServiceDesk.objects.create(
            hub=hub, kind="sportello_facile", name=f"Sportello Facile {name}", takes_appointments=True, slot_minutes=30
        )
        for weekday in range(7):
            DeskHours.objects.create(desk=desk, weekday=weekday, opens=time(9), closes=time(12))
        starts = timezone_at(local_today(), time(17))
        event = Event.objects.create(
            hub=hub,
            title=f"Incontro a {name}",
            kind=Event.Kind.TALK,
            capacity=20,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
        )
    return hub, desk, event


def timezone_at(day: date, at: time):
    from src.common.time import local_datetime

    return local_datetime(day, at)


@pytest.fixture
def world(cesena, sarsina, cesena_admin, sarsina_admin) -> World:
    sides = {}
    for municipality, run_id, other_id in ((cesena, RUN_ID, OTHER_ID), (sarsina, OTHER_ID, RUN_ID)):
        slug = municipality.slug
        run, run_desk, run_event = build_hub(municipality, run_id, f"hub-coop-{slug}", f"Hub cooperativa {slug}")
        other, other_desk, other_event = build_hub(municipality, other_id, f"hub-altro-{slug}", f"Hub altro {slug}")
        sides[slug] = ComuneSide(
            municipality, f"{slug}.localhost", run, other, run_desk, other_desk, run_event, other_event
        )
    connection.set_schema_to_public()
    organisation = OperatorOrganisation.objects.create(
        name="Cooperativa Sociale Prova", vat_number="02345670406", email="info@coop.example.org"
    )
    staff = UserFactory(email="luca.ferri@coop.example.org", first_name="Luca", last_name="Ferri")
    services.staff_add(organisation=organisation, user=staff)
    contracts = {}
    for slug, admin in (("cesena", cesena_admin), ("sarsina", sarsina_admin)):
        side = sides[slug]
        contract = services.contract_create(
            organisation=organisation,
            municipality=side.municipality,
            hub_ids=[side.run.pk],
            valid_from=local_today() - timedelta(days=60),
        )
        contracts[slug] = services.contract_approve(contract=contract, by=admin)
    return World(organisation, staff, sides["cesena"], sides["sarsina"], contracts)


@pytest.fixture
def other_organisation(db):
    organisation = OperatorOrganisation.objects.create(
        name="Altra Cooperativa", vat_number="06363391001", email="info@altra.example.org"
    )
    person = UserFactory(email="altra@coop.example.org")
    services.staff_add(organisation=organisation, user=person, role=OrganisationStaff.Role.COORDINATOR)
    return organisation, person
