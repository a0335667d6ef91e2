"""Bad input on every write endpoint is a 400 with a JSON message, never a 500."""

import pytest
from django_tenants.utils import tenant_context

from src.hubs.models import Closure, HubPhoto, LayoutSchedule, OpeningHours, SpecialOpening
from tests.hubs.api import cesena_api
from tests.hubs.factories import make_hub, make_layout, make_space

INVALID = "Dati non validi: controlla i campi indicati."


@pytest.fixture
def catalogue(cesena):
    """A hub with one row of everything, and a second room, in Cesena."""
    with tenant_context(cesena):
        hub = make_hub(hours={1: [("09:00", "19:00")]})
        space = make_space(hub, seats=2)
        other_space = make_space(hub, "Sala riunioni", kind="meeting")
        layout = make_layout(space, "Tutti", space.seats.all())
        other_layout = make_layout(other_space, "Sala intera", whole_room_only=True)
        return {
            "hub": hub.pk,
            "space": space.pk,
            "other_space": other_space.pk,
            "seat": space.seats.first().pk,
            "other_layout": other_layout.pk,
            "layout": layout.pk,
            "hours": OpeningHours.objects.get(hub=hub).pk,
            "closure": Closure.objects.create(hub=hub, starts_on="2030-01-01", ends_on="2030-01-02").pk,
            "special": SpecialOpening.objects.create(hub=hub, date="2030-02-01", opens="10:00", closes="12:00").pk,
            "photo": HubPhoto.objects.create(hub=hub, image="a.jpg", alt_text="Una sala").pk,
            "schedule": LayoutSchedule.objects.create(space=space, layout=layout, date="2030-03-01").pk,
        }


# (method, path, payload, field named in the errors; None: the whole object, told in "detail")
BAD_WRITES = [
    ("post", "hubs/", {"slug": "x", "address": "Via A", "town": "Cesena"}, "name"),
    ("post", "hubs/", {"name": "H", "slug": "non valido!", "address": "Via A", "town": "C"}, "slug"),
    ("post", "hubs/", {"name": "H", "slug": "hub-prova", "address": "Via A", "town": "C"}, "slug"),  # taken
    ("post", "hubs/", {"name": "H", "slug": "h2", "address": "A", "town": "C", "latitude": 123}, "latitude"),
    ("post", "hubs/", {"name": "H", "slug": "h3", "address": "A", "town": "C", "opened_on": "ieri"}, "opened_on"),
    ("patch", "hubs/{hub}/", {"email": "non-una-email"}, "email"),
    ("post", "hubs/{hub}/opening-hours/", {"weekday": 7, "opens": "09:00", "closes": "13:00"}, "weekday"),
    ("post", "hubs/{hub}/opening-hours/", {"weekday": "lunedì", "opens": "09:00", "closes": "13:00"}, "weekday"),
    ("post", "hubs/{hub}/opening-hours/", {"weekday": 1, "opens": "13:00", "closes": "09:00"}, "closes"),
    ("post", "hubs/{hub}/opening-hours/", {"weekday": 1, "opens": "25:00", "closes": "26:00"}, "opens"),
    ("patch", "hubs/{hub}/opening-hours/{hours}/", {"closes": "08:00"}, "closes"),
    ("post", "hubs/{hub}/closures/", {"starts_on": "2030-05-02", "ends_on": "2030-05-01"}, "ends_on"),
    ("post", "hubs/{hub}/closures/", {"starts_on": "2 maggio", "ends_on": "2030-05-01"}, "starts_on"),
    ("put", "hubs/{hub}/closures/{closure}/", {"starts_on": "2030-05-02"}, "ends_on"),
    ("post", "hubs/{hub}/special-openings/", {"date": "2030-13-01", "opens": "10:00", "closes": "12:00"}, "date"),
    ("post", "hubs/{hub}/special-openings/", {"date": "2030-06-01", "opens": "12:00", "closes": "12:00"}, "closes"),
    ("patch", "hubs/{hub}/special-openings/{special}/", {"opens": "13:00"}, "closes"),
    ("post", "hubs/{hub}/photos/", {"image": "a.jpg", "alt_text": "   "}, "alt_text"),
    ("patch", "hubs/{hub}/photos/{photo}/", {"order": -1}, "order"),
    ("post", "spaces/", {"hub": "{hub}", "name": "S", "kind": "sauna", "capacity": 2}, "kind"),
    ("post", "spaces/", {"hub": "{hub}", "name": "S", "kind": "meeting", "capacity": -2}, "capacity"),
    (
        "post",
        "spaces/",
        {"hub": "{hub}", "name": "S", "kind": "meeting", "capacity": 2, "amenities": ["jacuzzi"]},
        "amenities.0",  # the first item of the list
    ),
    ("post", "spaces/", {"hub": 999999, "name": "S", "kind": "meeting", "capacity": 2}, "hub"),
    (
        "post",
        "spaces/",
        {"hub": "{hub}", "name": "S", "kind": "meeting", "capacity": 2, "default_layout": "{layout}"},
        "default_layout",
    ),
    ("patch", "spaces/{space}/", {"default_layout": "{other_layout}"}, "default_layout"),
    ("post", "seats/", {"space": "{space}", "label": "P1"}, None),  # label taken in that room
    ("post", "seats/", {"space": "{space}", "label": "P9", "features": ["divano"]}, "features.0"),
    ("patch", "seats/{seat}/", {"is_active": "forse"}, "is_active"),
    ("post", "layouts/", {"space": "{other_space}", "name": "L", "seats": ["{seat}"]}, "seats"),
    ("patch", "layouts/{layout}/", {"seats": [999999]}, "seats"),
    ("post", "layout-schedules/", {"space": "{space}", "layout": "{layout}", "date": "2030-03-01"}, None),
    ("post", "layout-schedules/", {"space": "{space}", "layout": "{other_layout}", "date": "2030-03-02"}, "layout"),
    ("patch", "layout-schedules/{schedule}/", {"date": "domani"}, "date"),
]


def fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize(("method", "path", "payload", "field"), BAD_WRITES)
def test_bad_input_is_a_400_naming_the_field(catalogue, cesena_admin, method, path, payload, field):
    api = cesena_api(cesena_admin)
    body = {key: fill(value, catalogue) for key, value in payload.items()}
    response = getattr(api, method)(path.format(**catalogue), body)
    assert response.status_code == 400, response.content
    data = response.json()
    if field is None:
        assert data["fields"] == {} and data["detail"] != INVALID, data
    else:
        assert data["detail"] == INVALID
        assert field in data["fields"], data


def test_a_body_that_is_not_json_is_a_400(catalogue, cesena_admin):
    response = cesena_api(cesena_admin).client.post("/api/v1/hubs/", "{non è json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("hubs/{hub}/open-intervals/", {"date": "domani"}),
        ("hubs/{hub}/open-intervals/", {"date": "2026-02-30"}),
        ("spaces/{space}/seats-on/", {"date": "29/03/2026"}),
        ("spaces/", {"hub": "cesena"}),
        ("seats/", {"space": "-1"}),
    ],
)
def test_bad_query_parameters_are_a_400(catalogue, path, params):
    response = cesena_api().get(path.format(**catalogue), **params)
    assert response.status_code == 400
    assert response.json()["fields"]


def test_unknown_ids_are_a_json_404(catalogue, cesena_admin):
    api = cesena_api(cesena_admin)
    assert api.get("hubs/999999/").status_code == 404
    assert api.get("hubs/nonumero/").json()["detail"]
    assert api.post("hubs/999999/closures/", {"starts_on": "2030-01-01", "ends_on": "2030-01-01"}).status_code == 404
