"""A cooperative's staff run exactly the hubs its approved contracts in force cover, in every
comune, with no role granted by hand: the front desk, the desk agendas, event attendance and
the API, all decided by src/hubs/permissions.py."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from src.hubs.permissions import front_desk_hubs
from tenants.identity.models import Role
from tenants.operators import services
from tenants.operators.access import local_today
from tenants.operators.models import ServiceContract
from tests.operators.conftest import OTHER_ID, RUN_ID
from tests.signin import sign_in_staff


def client_on(host, user) -> Client:
    return sign_in_staff(Client(HTTP_HOST=host), user)


def operator_urls(hub, desk, event) -> dict[str, str]:
    """Every page and API call of a hub's front desk, by name."""
    return {
        "front desk": f"/accoglienza/{hub.slug}/",
        "desk agenda": f"/appuntamenti/agenda/{desk.pk}/",
        "event attendance": f"/eventi/{event.pk}/presenze/",
        "API sheet": f"/api/v1/front-desk/sheet/?hub={hub.pk}",
        "API agenda": f"/api/v1/desks/{desk.pk}/appointments/",
        "API attendees": f"/api/v1/events/{event.pk}/registrations/",
    }


def answers(client, side, which: str) -> dict[str, int]:
    hub, desk, event = (
        (side.run, side.run_desk, side.run_event) if which == "run" else (side.other, side.other_desk, side.other_event)
    )
    return {name: client.get(url).status_code for name, url in operator_urls(hub, desk, event).items()}


PAGES_AND_API = ("front desk", "desk agenda", "event attendance", "API sheet", "API agenda", "API attendees")


def everywhere(status: int) -> dict[str, int]:
    return dict.fromkeys(PAGES_AND_API, status)


def test_staff_operate_the_contracted_hubs_of_both_comuni_and_nothing_else(world):
    for side in (world.cesena, world.sarsina):
        client = client_on(side.host, world.staff)
        assert answers(client, side, "run") == everywhere(200), side.host
        assert answers(client, side, "other") == everywhere(403), side.host
        # The front desk's list of hubs names only the one run here.
        response = client.get("/accoglienza/")
        assert response.status_code == 302 and response["Location"] == f"/accoglienza/{side.run.slug}/"

    # Guessed ids: Cesena's hub that is not run has the id of Sarsina's that is (and back).
    cesena = client_on("cesena.localhost", world.staff)
    assert world.cesena.other.pk == world.sarsina.run.pk == OTHER_ID
    assert cesena.get(f"/api/v1/front-desk/sheet/?hub={OTHER_ID}").status_code == 403
    assert cesena.get(f"/api/v1/front-desk/sheet/?hub={RUN_ID}").status_code == 200
    sarsina = client_on("sarsina.localhost", world.staff)
    assert sarsina.get(f"/api/v1/front-desk/sheet/?hub={RUN_ID}").status_code == 403
    # Sarsina's hub under Cesena's host does not exist there.
    assert cesena.get(f"/accoglienza/{world.sarsina.run.slug}/").status_code == 404

    # No other power comes with it: not the comune's admin, not its contracts, not the union's.
    assert cesena.get("/admin/").status_code in (302, 403)
    assert cesena.get("/gestione/contratti/").status_code == 403
    assert client_on("localhost", world.staff).get("/admin/").status_code in (302, 403)
    assert not Role.objects.filter(user=world.staff).exists()


def test_staff_act_at_the_front_desk_under_the_contract(world, make_user):
    """Not only looking: a walk-in booked by the cooperative's staff, recorded as theirs."""
    client = client_on("sarsina.localhost", world.staff)
    response = client.get(f"/accoglienza/{world.sarsina.run.slug}/")
    assert response.status_code == 200
    form = response.context["walk_in_form"]
    seats = [value for _space, group in form.fields["place"].choices for value, _label in group if "-" in value]
    starts, ends = form.fields["start"].choices, form.fields["end"].choices
    if not starts:
        pytest.skip("the hub is closed for the rest of today")
    posted = client.post(
        f"/accoglienza/{world.sarsina.run.slug}/walk-in/",
        {"email": "ospite@example.org", "place": seats[0], "start": starts[0][0], "end": ends[0][0]},
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    connection.set_tenant(world.sarsina.municipality)
    from src.bookings.models import Booking

    booking = Booking.objects.get(hub=world.sarsina.run, person__email="ospite@example.org")
    assert booking.created_by_id == world.staff.pk and booking.channel == "front_desk"


def test_ending_a_contract_takes_the_power_away_at_once(world):
    client = client_on("cesena.localhost", world.staff)
    url = f"/accoglienza/{world.cesena.run.slug}/"
    assert client.get(url).status_code == 200
    services.contract_end(contract=world.contracts["cesena"], by=None)
    # The same session, the next request: refused, today.
    assert client.get(url).status_code == 403
    assert client.get(f"/api/v1/front-desk/sheet/?hub={world.cesena.run.pk}").status_code == 403
    ended = ServiceContract.objects.get(pk=world.contracts["cesena"].pk)
    assert ended.valid_until == local_today()
    # Sarsina's contract is untouched.
    assert client_on("sarsina.localhost", world.staff).get(f"/accoglienza/{world.sarsina.run.slug}/").status_code == 200


def test_the_end_date_is_the_first_day_without_power(world):
    contract = world.contracts["cesena"]
    client = client_on("cesena.localhost", world.staff)
    url = f"/accoglienza/{world.cesena.run.slug}/"
    ServiceContract.objects.filter(pk=contract.pk).update(valid_until=local_today() + timedelta(days=1))
    assert client.get(url).status_code == 200  # ends tomorrow: still today
    ServiceContract.objects.filter(pk=contract.pk).update(valid_until=local_today())
    assert client.get(url).status_code == 403  # ends today: not today


def test_the_comune_administrator_ends_a_contract_from_their_page(world, cesena_admin):
    admin = client_on("cesena.localhost", cesena_admin)
    response = admin.post(f"/gestione/contratti/{world.contracts['cesena'].pk}/termina/", follow=True)
    assert response.status_code == 200 and "Contratto terminato" in response.content.decode()
    assert client_on("cesena.localhost", world.staff).get(f"/accoglienza/{world.cesena.run.slug}/").status_code == 403


@pytest.mark.parametrize("state", ["pending", "rejected", "future", "inactive organisation", "inactive staff"])
def test_no_power_without_an_approved_contract_in_force(world, state):
    contract = world.contracts["cesena"]
    if state == "pending":
        ServiceContract.objects.filter(pk=contract.pk).update(status=ServiceContract.Status.PENDING)
    elif state == "rejected":
        ServiceContract.objects.filter(pk=contract.pk).update(status=ServiceContract.Status.REJECTED)
    elif state == "future":
        ServiceContract.objects.filter(pk=contract.pk).update(valid_from=local_today() + timedelta(days=1))
    elif state == "inactive organisation":
        world.organisation.__class__.objects.filter(pk=world.organisation.pk).update(is_active=False)
    else:
        world.organisation.staff.filter(user=world.staff).update(is_active=False)
    client = client_on("cesena.localhost", world.staff)
    assert answers(client, world.cesena, "run") == everywhere(403)
    assert client.get("/accoglienza/").status_code == 403


def test_a_new_contract_waits_for_the_comune_administrator(world, cesena_admin):
    """Union staff register; until the comune's administrator approves, nothing changes."""
    contract = services.contract_create(
        organisation=world.organisation,
        municipality=world.cesena.municipality,
        hub_ids=[world.cesena.other.pk],
        valid_from=local_today(),
    )
    client = client_on("cesena.localhost", world.staff)
    assert answers(client, world.cesena, "other") == everywhere(403)
    admin = client_on("cesena.localhost", cesena_admin)
    assert admin.post(f"/gestione/contratti/{contract.pk}/approva/", {"note": "ok"}).status_code == 302
    assert answers(client, world.cesena, "other") == everywhere(200)
    # Changing what an approved contract covers sends it back for approval: no power meanwhile.
    contract.refresh_from_db()
    contract.valid_from = local_today() - timedelta(days=1)
    services.contract_save(contract=contract)
    assert contract.status == ServiceContract.Status.PENDING
    assert answers(client, world.cesena, "other") == everywhere(403)


def test_assignments_inside_the_organisation_narrow_a_member_to_some_hubs(world, sarsina):
    member = world.organisation.staff.get(user=world.staff)
    services.staff_assign(staff=member, municipality=sarsina, hub_id=world.sarsina.run.pk)
    # Assigned to Sarsina's hub only: no longer Cesena's.
    assert client_on("sarsina.localhost", world.staff).get(f"/accoglienza/{world.sarsina.run.slug}/").status_code == 200
    assert client_on("cesena.localhost", world.staff).get(f"/accoglienza/{world.cesena.run.slug}/").status_code == 403
    # A hub no contract covers cannot be assigned.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.staff_assign(staff=member, municipality=sarsina, hub_id=world.sarsina.other.pk)


def test_the_comune_operator_role_still_works_beside_contracts(world, cesena, make_user):
    from src.hubs.models import HubOperator

    volunteer = make_user()
    Role.objects.create(user=volunteer, kind=Role.Kind.OPERATOR, municipality=cesena)
    connection.set_tenant(cesena)
    HubOperator.objects.create(hub=world.cesena.other, user=volunteer)
    connection.set_schema_to_public()
    client = client_on("cesena.localhost", volunteer)
    assert answers(client, world.cesena, "other") == everywhere(200)
    assert answers(client, world.cesena, "run") == everywhere(403)
    connection.set_tenant(cesena)
    assert [h.pk for h in front_desk_hubs(volunteer, cesena)] == [world.cesena.other.pk]
    assert [h.pk for h in front_desk_hubs(world.staff, cesena)] == [world.cesena.run.pk]
