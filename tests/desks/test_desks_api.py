"""Service desks over the API: public reads, administrator writes, JSON errors."""

import pytest
from django_tenants.utils import tenant_context

from src.desks.models import DeskHours, ServiceDesk
from tests.hubs.api import cesena_api
from tests.hubs.factories import make_hub

DESK = {
    "kind": "comunita",
    "name": "Sportello di Comunità",
    "topics": ["anziani", "assistenza"],
    "takes_appointments": True,
    "slot_minutes": 20,
}


@pytest.fixture
def hub(cesena):
    with tenant_context(cesena):
        return make_hub(hours={2: [("09:00", "19:00")]})


def test_administrator_creates_a_desk_with_hours_that_anyone_reads(cesena, cesena_admin, hub):
    api = cesena_api(cesena_admin)
    created = api.post("desks/", {**DESK, "hub": hub.pk})
    assert created.status_code == 201, created.json()
    desk_id = created.json()["id"]
    assert api.post(f"desks/{desk_id}/hours/", {"weekday": 2, "opens": "09:00", "closes": "12:00"}).status_code == 201

    public = cesena_api()
    body = public.get(f"desks/{desk_id}/").json()
    assert body["kind_label"] == "Sportello di Comunità" and body["topics"] == ["anziani", "assistenza"]
    assert [(h["weekday_label"], h["opens"]) for h in body["hours"]] == [("mercoledì", "09:00:00")]
    assert [d["id"] for d in public.get("desks/", hub=hub.pk).json()["results"]] == [desk_id]
    day = public.get(f"desks/{desk_id}/open-intervals/", date="2026-06-10").json()
    assert day["intervals"] == [{"start": "2026-06-10T09:00:00+02:00", "end": "2026-06-10T12:00:00+02:00"}]


def test_desk_writes_need_the_administrator_role(cesena, citizen, hub):
    with tenant_context(cesena):
        desk = ServiceDesk.objects.create(hub=hub, kind="energia", name="Sportello Energia")
    for api in (cesena_api(), cesena_api(citizen)):
        assert api.post("desks/", {**DESK, "hub": hub.pk}).status_code in (401, 403)
        assert api.patch(f"desks/{desk.pk}/", {"name": "X"}).status_code in (401, 403)
        assert api.post(f"desks/{desk.pk}/hours/", {"weekday": 1, "opens": "09:00", "closes": "10:00"}).status_code in (
            401,
            403,
        )
        assert api.delete(f"desks/{desk.pk}/").status_code in (401, 403)
    with tenant_context(cesena):
        assert ServiceDesk.objects.get(pk=desk.pk).name == "Sportello Energia"


@pytest.mark.parametrize(
    ("method", "path", "payload", "field"),
    [
        ("post", "desks/", {**DESK, "kind": "anagrafe"}, "kind"),
        ("post", "desks/", {**DESK, "slot_minutes": 0}, "slot_minutes"),
        ("post", "desks/", {**DESK, "topics": "anziani"}, "topics"),
        ("post", "desks/", {**DESK, "email": "chiunque"}, "email"),
        ("post", "desks/", {**DESK, "hub": 999999}, "hub"),
        ("patch", "desks/{desk}/", {"slot_minutes": "mezz'ora"}, "slot_minutes"),
        ("post", "desks/{desk}/hours/", {"weekday": 8, "opens": "09:00", "closes": "10:00"}, "weekday"),
        ("post", "desks/{desk}/hours/", {"weekday": 1, "opens": "11:00", "closes": "10:00"}, "closes"),
        ("patch", "desks/{desk}/hours/{hours}/", {"opens": "mattina"}, "opens"),
        ("patch", "desks/{desk}/hours/{hours}/", {"opens": "12:00"}, "closes"),
    ],
)
def test_bad_desk_input_is_a_400(cesena, cesena_admin, hub, method, path, payload, field):
    with tenant_context(cesena):
        desk = ServiceDesk.objects.create(hub=hub, kind="energia", name="Sportello Energia")
        hours = DeskHours.objects.create(desk=desk, weekday=1, opens="09:00", closes="11:00")
    body = {"hub": hub.pk, **payload} if path == "desks/" else payload
    response = getattr(cesena_api(cesena_admin), method)(path.format(desk=desk.pk, hours=hours.pk), body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


def test_bad_date_on_desk_intervals_is_a_400(cesena, hub):
    with tenant_context(cesena):
        desk = ServiceDesk.objects.create(hub=hub, kind="energia", name="Sportello Energia")
    response = cesena_api().get(f"desks/{desk.pk}/open-intervals/", date="mercoledì")
    assert response.status_code == 400 and "date" in response.json()["fields"]
    assert cesena_api().get("desks/", hub="uno").status_code == 400
