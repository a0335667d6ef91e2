"""The comune's admin: administrators edit their own comune, operators look at
their hubs only, everyone else is refused with a reason."""

from django.contrib.admin.models import ADDITION, LogEntry
from django_tenants.utils import tenant_context

from src.hubs.models import HubOperator, Space
from tests.conftest import host_client, page_text
from tests.hubs.factories import make_hub, make_space


def space_form(hub, **fields):
    return {
        "hub": hub.pk,
        "name": "Sala Cesuola",
        "kind": "coworking",
        "capacity": 6,
        "amenities": ["sound_absorbing_panels", "movable_furniture"],
        "description": "",
        "seats-TOTAL_FORMS": "1",
        "seats-INITIAL_FORMS": "0",
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
        "seats-0-label": "P1",
        "seats-0-features": ["window"],
        "seats-0-is_active": "on",
        **fields,
    }


def test_cesena_administrator_adds_a_space_in_cesena(cesena, cesena_admin):
    with tenant_context(cesena):
        hub = make_hub()
    client = host_client("cesena.localhost", cesena_admin)
    assert client.get("/admin/hubs/space/add/").status_code == 200
    response = client.post("/admin/hubs/space/add/", space_form(hub))
    assert response.status_code == 302, page_text(response)
    with tenant_context(cesena):
        space = Space.objects.get(name="Sala Cesuola")
        assert space.amenities == ["sound_absorbing_panels", "movable_furniture"]
        assert [(s.label, s.features) for s in space.seats.all()] == [("P1", ["window"])]
        entry = LogEntry.objects.get(object_id=str(space.pk), content_type__model="space")
        assert entry.user == cesena_admin and entry.action_flag == ADDITION


def test_cesena_administrator_is_refused_in_sarsina_with_a_reason(sarsina, cesena_admin):
    client = host_client("sarsina.localhost", cesena_admin)
    for path in ("/admin/", "/admin/hubs/space/add/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Non hai un ruolo di amministrazione nel Comune di Sarsina" in page_text(response)
    with tenant_context(sarsina):
        hub = make_hub()
    assert client.post("/admin/hubs/space/add/", space_form(hub)).status_code == 403
    with tenant_context(sarsina):
        assert not Space.objects.exists()


def test_citizen_is_refused(cesena, citizen):
    response = host_client("cesena.localhost", citizen).get("/admin/hubs/hub/")
    assert response.status_code == 403


def test_operator_sees_only_assigned_hubs_and_cannot_change_them(cesena, cesena_operator):
    with tenant_context(cesena):
        mine = make_hub("mio", "Hub Ponte Abbadesse")
        other = make_hub("altro", "Hub San Vittore")
        HubOperator.objects.create(hub=mine, user=cesena_operator)
        my_room = make_space(mine, "Sala del mio hub")
        make_space(other, "Sala di un altro hub")
    client = host_client("cesena.localhost", cesena_operator)

    hubs = page_text(client.get("/admin/hubs/hub/"))
    assert "Hub Ponte Abbadesse" in hubs and "Hub San Vittore" not in hubs
    spaces = page_text(client.get("/admin/hubs/space/"))
    assert "Sala del mio hub" in spaces and "Sala di un altro hub" not in spaces
    assert "Hub San Vittore" not in spaces  # not even in the filters

    # Their own hub: a read-only page, no save button, and a POST is refused.
    view = client.get(f"/admin/hubs/space/{my_room.pk}/change/")
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    assert client.post(f"/admin/hubs/space/{my_room.pk}/change/", {"name": "Nuovo nome"}).status_code == 403
    assert client.get("/admin/hubs/space/add/").status_code == 403
    # Another hub: as if it did not exist.
    response = client.get(f"/admin/hubs/hub/{other.pk}/change/")
    assert response.status_code == 404
    assert "Hub San Vittore" not in page_text(response)
    with tenant_context(cesena):
        assert Space.objects.get(pk=my_room.pk).name == "Sala del mio hub"


def test_administrator_assigns_an_operator_by_email(cesena, cesena_admin, cesena_operator):
    with tenant_context(cesena):
        hub = make_hub()
    client = host_client("cesena.localhost", cesena_admin)
    unknown = client.post("/admin/hubs/huboperator/add/", {"hub": hub.pk, "email": "nessuno@example.org"})
    assert "Nessuna persona registrata con questo indirizzo e-mail" in page_text(unknown)
    response = client.post("/admin/hubs/huboperator/add/", {"hub": hub.pk, "email": "OPERATORE.cesena@example.org"})
    assert response.status_code == 302
    again = client.post("/admin/hubs/huboperator/add/", {"hub": hub.pk, "email": cesena_operator.email})
    assert "già operatore di questo hub" in page_text(again)
    with tenant_context(cesena):
        assert HubOperator.objects.get(hub=hub).user == cesena_operator


def test_assigning_a_hub_grants_the_operator_role_in_this_comune_only(cesena, sarsina, cesena_admin, make_user):
    from tenants.identity.models import Role
    from tenants.identity.policy import Action, can

    volunteer = make_user(email="volontaria@example.org")
    with tenant_context(cesena):
        hub = make_hub()
    response = host_client("cesena.localhost", cesena_admin).post(
        "/admin/hubs/huboperator/add/", {"hub": hub.pk, "email": volunteer.email}
    )
    assert response.status_code == 302
    assert Role.objects.filter(user=volunteer, kind=Role.Kind.OPERATOR, municipality=cesena).exists()
    assert can(volunteer, Action.OPERATE_FRONT_DESK, cesena)
    assert not can(volunteer, Action.OPERATE_FRONT_DESK, sarsina)


def test_every_catalogue_page_opens_for_the_administrator(cesena, cesena_admin):
    with tenant_context(cesena):
        make_space(make_hub(), seats=1)
    client = host_client("cesena.localhost", cesena_admin)
    index = page_text(client.get("/admin/"))
    for model in ("hub", "space", "seat", "layout", "layoutschedule", "huboperator", "closure", "specialopening"):
        assert client.get(f"/admin/hubs/{model}/").status_code == 200
        assert client.get(f"/admin/hubs/{model}/add/").status_code == 200
    assert client.get("/admin/desks/servicedesk/add/").status_code == 200
    assert "Hub di comunità" in index and "Sportelli" in index
