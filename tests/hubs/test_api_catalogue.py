"""Spaces, seats, layouts and open intervals over the API, as the mobile app uses them."""

from django_tenants.utils import tenant_context

from src.hubs.models import Closure, LayoutSchedule
from tests.hubs.api import cesena_api
from tests.hubs.factories import make_hub, make_layout, make_space


def test_administrator_builds_a_room_with_seats_and_layouts(cesena, cesena_admin):
    with tenant_context(cesena):
        hub = make_hub()
    api = cesena_api(cesena_admin)
    space = api.post(
        "spaces/",
        {
            "hub": hub.pk,
            "name": "Sala Savio",
            "kind": "coworking",
            "capacity": 8,
            "amenities": ["sound_absorbing_panels", "movable_furniture"],
            "bookable_whole": True,
        },
    )
    assert space.status_code == 201, space.json()
    space_id = space.json()["id"]
    assert space.json()["kind_label"] == "sala coworking"
    seat_ids = [
        api.post("seats/", {"space": space_id, "label": f"P{n}", "features": ["window"]}).json()["id"]
        for n in (1, 2, 3)
    ]
    open_desks = api.post("layouts/", {"space": space_id, "name": "Postazioni libere: 3 posti", "seats": seat_ids})
    meeting = api.post("layouts/", {"space": space_id, "name": "Riunione: sala intera", "whole_room_only": True})
    assert open_desks.status_code == meeting.status_code == 201
    assert api.patch(f"spaces/{space_id}/", {"default_layout": open_desks.json()["id"]}).status_code == 200
    schedule = api.post("layout-schedules/", {"space": space_id, "layout": meeting.json()["id"], "date": "2030-06-10"})
    assert schedule.status_code == 201

    public = cesena_api()
    usual = public.get(f"spaces/{space_id}/seats-on/", date="2030-06-11").json()
    assert usual["layout"]["name"] == "Postazioni libere: 3 posti"
    assert [s["label"] for s in usual["seats"]] == ["P1", "P2", "P3"]
    meeting_day = public.get(f"spaces/{space_id}/seats-on/", date="2030-06-10").json()
    assert meeting_day["whole_room_only"] is True and meeting_day["seats"] == []

    listed = public.get("spaces/", hub=hub.pk).json()["results"]
    assert [s["name"] for s in listed] == ["Sala Savio"] and len(listed[0]["seats"]) == 3
    assert public.get("spaces/", hub=hub.pk + 1000).json()["results"] == []


def test_open_intervals_endpoint_speaks_rome_time(cesena):
    with tenant_context(cesena):
        hub = make_hub(hours={6: [("09:00", "13:00")]})
        Closure.objects.create(hub=hub, starts_on="2026-04-05", ends_on="2026-04-05", reason="Pasqua")
    api = cesena_api()
    body = api.get(f"hubs/{hub.pk}/open-intervals/", date="2026-03-29").json()
    assert body == {
        "date": "2026-03-29",
        "is_open": True,
        "intervals": [{"start": "2026-03-29T09:00:00+02:00", "end": "2026-03-29T13:00:00+02:00"}],
        "closure": None,
    }
    before = api.get(f"hubs/{hub.pk}/open-intervals/", date="2026-03-22").json()
    assert before["intervals"][0]["start"] == "2026-03-22T09:00:00+01:00"
    easter = api.get(f"hubs/{hub.pk}/open-intervals/", date="2026-04-05").json()
    assert easter["is_open"] is False and easter["closure"]["reason"] == "Pasqua"
    assert api.get(f"hubs/{hub.pk}/open-intervals/").status_code == 200  # today by default


def test_unpublished_hub_and_its_rooms_are_hidden_from_the_public(cesena):
    with tenant_context(cesena):
        hub = make_hub(published=False)
        space = make_space(hub, seats=1)
    api = cesena_api()
    assert api.get(f"hubs/{hub.pk}/").status_code == 404
    assert api.get(f"spaces/{space.pk}/").status_code == 404
    assert api.get("seats/", space=space.pk).json()["results"] == []
    assert api.get(f"hubs/{hub.pk}/opening-hours/").status_code == 404


def test_scheduled_layout_can_be_moved_and_removed(cesena, cesena_admin):
    with tenant_context(cesena):
        space = make_space(make_hub(), seats=2)
        a = make_layout(space, "A", space.seats.all())
        b = make_layout(space, "B", whole_room_only=True)
        schedule = LayoutSchedule.objects.create(space=space, layout=a, date="2030-01-10")
    api = cesena_api(cesena_admin)
    assert api.patch(f"layout-schedules/{schedule.pk}/", {"layout": b.pk}).status_code == 200
    assert cesena_api().get(f"spaces/{space.pk}/seats-on/", date="2030-01-10").json()["seats"] == []
    assert api.delete(f"layout-schedules/{schedule.pk}/").status_code == 204
    assert len(cesena_api().get(f"spaces/{space.pk}/seats-on/", date="2030-01-10").json()["seats"]) == 2
