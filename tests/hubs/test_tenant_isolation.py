"""A comune's catalogue is invisible from another comune: by API and by admin."""

import pytest
from django_tenants.utils import tenant_context

from src.desks.models import DeskHours, ServiceDesk
from src.hubs.models import (
    Closure,
    Hub,
    HubOperator,
    HubPhoto,
    Layout,
    LayoutSchedule,
    OpeningHours,
    Seat,
    Space,
    SpecialOpening,
)
from tests.conftest import host_client, page_text
from tests.hubs.api import cesena_api
from tests.hubs.factories import make_hub, make_layout, make_space

NAME = "Hub della Rocca di Sarsina"


@pytest.fixture
def sarsina_catalogue(sarsina, sarsina_admin):
    """One row of every catalogue model, in Sarsina's schema only."""
    with tenant_context(sarsina):
        hub = make_hub("rocca", NAME, hours={1: [("09:00", "13:00")]})
        space = make_space(hub, "Sala Plauto", seats=1)
        layout = make_layout(space, "Layout Plauto", space.seats.all())
        desk = ServiceDesk.objects.create(hub=hub, kind="energia", name="Sportello Energia di Sarsina")
        rows = {
            "hub": hub,
            "space": space,
            "seat": space.seats.get(),
            "layout": layout,
            "schedule": LayoutSchedule.objects.create(space=space, layout=layout, date="2030-01-01"),
            "closure": Closure.objects.create(hub=hub, starts_on="2030-01-01", ends_on="2030-01-01", reason="Rocca"),
            "special": SpecialOpening.objects.create(hub=hub, date="2030-02-01", opens="10:00", closes="11:00"),
            "photo": HubPhoto.objects.create(hub=hub, image="rocca.jpg", alt_text="La Rocca"),
            "operator": HubOperator.objects.create(hub=hub, user=sarsina_admin),
            "desk": desk,
            "desk_hours": DeskHours.objects.create(desk=desk, weekday=1, opens="09:00", closes="12:00"),
        }
    return rows


MODELS = (
    Hub,
    Space,
    Seat,
    Layout,
    OpeningHours,
    Closure,
    SpecialOpening,
    HubPhoto,
    LayoutSchedule,
    HubOperator,
    ServiceDesk,
    DeskHours,
)


def test_cesena_schema_has_none_of_sarsinas_rows(cesena, sarsina, sarsina_catalogue):
    with tenant_context(sarsina):
        assert all(model.objects.exists() for model in MODELS)
    with tenant_context(cesena):
        for model in MODELS:
            assert not model.objects.exists(), model


def test_api_of_cesena_neither_lists_nor_reaches_sarsinas_rows(cesena, cesena_admin, sarsina_catalogue):
    rows = sarsina_catalogue
    api = cesena_api(cesena_admin)
    for listing in ("hubs/", "spaces/", "seats/", "layouts/", "layout-schedules/", "desks/"):
        assert api.get(listing).json()["results"] == [], listing
    for path in (
        f"hubs/{rows['hub'].pk}/",
        f"hubs/{rows['hub'].pk}/open-intervals/",
        f"hubs/{rows['hub'].pk}/closures/",
        f"spaces/{rows['space'].pk}/",
        f"spaces/{rows['space'].pk}/seats-on/",
        f"seats/{rows['seat'].pk}/",
        f"layouts/{rows['layout'].pk}/",
        f"layout-schedules/{rows['schedule'].pk}/",
        f"desks/{rows['desk'].pk}/",
        f"desks/{rows['desk'].pk}/hours/",
    ):
        assert api.get(path).status_code == 404, path


def test_api_of_cesena_cannot_change_sarsinas_rows(cesena, sarsina, cesena_admin, sarsina_catalogue):
    rows = sarsina_catalogue
    api = cesena_api(cesena_admin)
    assert api.patch(f"hubs/{rows['hub'].pk}/", {"name": "Preso da Cesena"}).status_code == 404
    assert api.delete(f"spaces/{rows['space'].pk}/").status_code == 404
    assert api.patch(f"seats/{rows['seat'].pk}/", {"label": "X"}).status_code == 404
    assert api.delete(f"desks/{rows['desk'].pk}/").status_code == 404
    assert (
        api.post(f"hubs/{rows['hub'].pk}/closures/", {"starts_on": "2030-01-05", "ends_on": "2030-01-05"}).status_code
        == 404
    )
    # Pointing a new Cesena row at a Sarsina hub: that hub does not exist here.
    response = api.post("spaces/", {"hub": rows["hub"].pk, "name": "S", "kind": "meeting", "capacity": 2})
    assert response.status_code == 400 and "hub" in response.json()["fields"]
    with tenant_context(sarsina):
        assert Hub.objects.get(pk=rows["hub"].pk).name == NAME
        assert Space.objects.filter(pk=rows["space"].pk).exists()
        assert Closure.objects.filter(hub=rows["hub"]).count() == 1


def test_admin_of_cesena_neither_lists_nor_reaches_sarsinas_rows(cesena, sarsina, cesena_admin, sarsina_catalogue):
    rows = sarsina_catalogue
    client = host_client("cesena.localhost", cesena_admin)
    assert NAME not in page_text(client.get("/admin/hubs/hub/"))
    assert "Sala Plauto" not in page_text(client.get("/admin/hubs/space/"))
    assert "Sportello Energia di Sarsina" not in page_text(client.get("/admin/desks/servicedesk/"))
    assert "Rocca" not in page_text(client.get("/admin/hubs/closure/"))
    assert client.get(f"/admin/hubs/hub/{rows['hub'].pk}/change/").status_code == 404  # "does not exist"
    client.post(f"/admin/hubs/hub/{rows['hub'].pk}/change/", {"name": "Preso da Cesena"})
    client.post(f"/admin/hubs/hub/{rows['hub'].pk}/delete/", {"post": "yes"})
    with tenant_context(sarsina):
        assert Hub.objects.get(pk=rows["hub"].pk).name == NAME
