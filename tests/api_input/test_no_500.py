"""A sweep: what anyone can send, without signing in or signed in as a citizen, never gets a 500.

Query strings on every public read, and bodies on every write a citizen may make, with
the values that used to break something (and some that never did).
"""

import pytest

from tests.api_input.conftest import send

NASTY_VALUES = [
    "100000000000000000000",
    "-1",
    "0",
    "1e400",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "2026-03-29T02:30",
    "2026-10-25T02:30:00",
    "\x00",
    "' OR 1=1 --",
    "%",
    "a" * 5000,
]
NASTY_JSON = [
    "1e400",
    "-1e400",
    "99999999999999999999",
    "1e20",
    "1.5",
    "-1",
    "null",
    "true",
    '"9999-12-31T23:59:59+00:00"',
    '"2026-03-29T02:30:00"',
    '"\\u0000"',
    "[]",
    "{}",
    "[" * 3000 + "]" * 3000,
]


def reads(place):
    hub, desk, space = place["hub"].pk, place["desk"].pk, place["space"].pk
    return {
        "/api/v1/hubs/": ["limit", "offset"],
        f"/api/v1/hubs/{hub}/open-intervals/": ["date"],
        "/api/v1/spaces/": ["hub", "limit", "offset"],
        f"/api/v1/spaces/{space}/seats-on/": ["date"],
        "/api/v1/seats/": ["space", "limit"],
        "/api/v1/desks/": ["hub", "limit"],
        f"/api/v1/desks/{desk}/open-intervals/": ["date"],
        f"/api/v1/desks/{desk}/slots/": ["date", "days"],
        "/api/v1/availability/": ["hub", "date"],
        "/api/v1/events/": ["limit"],
        "/api/v1/booking-policy/": [],
    }


WRITES = {
    "/api/v1/bookings/": ["space", "seat", "start", "end"],
    "/api/v1/waitlist/": ["space", "seat", "start", "end"],
    "/api/v1/appointments/": ["desk", "start", "topic", "email"],
    "/api/v1/appointments/lookup/": ["code", "email"],
}


def test_no_query_string_value_is_a_500(anonymous, place):
    for path, names in reads(place).items():
        for name in names or ["x"]:
            for value in NASTY_VALUES:
                response = anonymous.get(
                    path, {name: value, "hub": place["hub"].pk} if name != "hub" else {name: value}
                )
                assert response.status_code < 500, (path, name, value[:30], response.content[:200])


@pytest.mark.parametrize("path", list(WRITES))
def test_no_json_value_is_a_500(signed_in, place, path):
    valid = {
        "space": place["space"].pk,
        "start": "2030-01-08T10:00:00+01:00",
        "end": "2030-01-08T11:00:00+01:00",
        "desk": place["desk"].pk,
        "topic": "SPID e CIE",
        "email": "anna@example.org",
        "code": "ABCD-1234",
        "applicant_name": "Anna Rossi",
    }
    for name in WRITES[path]:
        for value in NASTY_JSON:
            fields = [f'"{k}": {v}' for k, v in ((k, _json(v)) for k, v in valid.items() if k != name)]
            body = "{" + ", ".join([*fields, f'"{name}": {value}']) + "}"
            response = send(signed_in, path, body)
            assert 400 <= response.status_code < 500, (path, name, value[:30], response.content[:200])


def _json(value):
    import json

    return json.dumps(value)
