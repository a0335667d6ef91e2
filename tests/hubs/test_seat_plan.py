"""Floor plans: administrators arrange a room's seats into a named layout; the plan shows them
where they were put; nobody from another comune can read or change them."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django_tenants.utils import tenant_context

from src.common.errors import DomainError
from src.hubs.models import HubOperator, Layout, SeatPlacement, Space
from src.hubs.selectors import floor_plans, layout_editor_plan
from src.hubs.services import PlacementIn, layout_plan_save
from tenants.identity.models import Role
from tests.conftest import page_text
from tests.fixtures import UserFactory
from tests.hubs.factories import make_hub, make_space
from tests.signin import sign_in_staff


def staff_client(host: str, user) -> Client:
    return sign_in_staff(Client(HTTP_HOST=host), user)


@pytest.fixture
def room(cesena):
    with tenant_context(cesena):
        hub = make_hub(hours={1: [("09:00", "18:00")]})
        return make_space(hub, seats=3, width_m=Decimal("6.0"), depth_m=Decimal("4.0"))


def placements(room, *spots):
    seats = list(room.seats.order_by("label"))
    return [
        PlacementIn(seat.pk, Decimal(x), Decimal(y), r, included) for seat, (x, y, r, included) in zip(seats, spots)
    ]


def test_an_arrangement_is_saved_as_a_named_layout_and_drawn_where_it_was_put(cesena, room, cesena_admin):
    with tenant_context(cesena):
        layout = layout_plan_save(
            space=room,
            name="A ferro di cavallo",
            placements=placements(room, ("1.00", "1.50", 90, True), ("3.00", "0.80", 0, True), ("5", "3", 0, False)),
            make_default=True,
            user=cesena_admin,
        )
        room.refresh_from_db()
        assert room.default_layout == layout
        assert sorted(s.label for s in layout.seats.all()) == ["P1", "P2"]  # P3 left out
        plan = floor_plans([(room, layout.pk, list(layout.seats.order_by("label")))])[room.pk]
        assert (plan.width, plan.depth, plan.view_box) == (6.0, 4.0, "0 0 600 400")
        assert [(p.seat.label, p.x, p.y, p.rotation, p.placed) for p in plan.seats] == [
            ("P1", 1.0, 1.5, 90, True),
            ("P2", 3.0, 0.8, 0, True),
        ]
        assert LogEntry.objects.filter(object_id=str(layout.pk), content_type__model="layout").exists()


def test_a_room_without_placements_is_drawn_in_rows_inside_its_walls(cesena, room):
    with tenant_context(cesena):
        plan, included = layout_editor_plan(room, None)
        assert len(plan.seats) == 3 and len(included) == 3
        assert all(0 < p.x < plan.width and 0 < p.y < plan.depth and not p.placed for p in plan.seats)
        assert len({(p.x, p.y) for p in plan.seats}) == 3


@pytest.mark.parametrize(
    "spot, message",
    [
        (
            ("6.50", "1.00", 0, True),
            "La postazione P1 è fuori dalla sala (6,50 m, 1,00 m): la sala misura 6,00 × 4,00 m.",
        ),
        (("1.00", "1.00", 400, True), "La rotazione va da 0 a 359 gradi."),
    ],
)
def test_a_seat_outside_the_room_is_refused_with_a_sentence(cesena, room, cesena_admin, spot, message):
    with tenant_context(cesena):
        with pytest.raises(DomainError) as refused:
            layout_plan_save(space=room, name="Storto", placements=placements(room, spot), user=cesena_admin)
        assert refused.value.message == message
        assert not Layout.objects.filter(name="Storto").exists()


def test_seats_of_another_room_and_a_name_taken_are_refused(cesena, room, cesena_admin):
    with tenant_context(cesena):
        other = make_space(room.hub, "Altra sala", seats=1)
        stranger = other.seats.get()
        with pytest.raises(DomainError, match="devono appartenere"):
            layout_plan_save(
                space=room,
                name="X",
                placements=[PlacementIn(stranger.pk, Decimal(1), Decimal(1), 0)],
                user=cesena_admin,
            )
        layout_plan_save(space=room, name="Aula", placements=placements(room), user=cesena_admin)
        with pytest.raises(DomainError, match="già un allestimento chiamato «aula»"):
            layout_plan_save(space=room, name="aula", placements=placements(room), user=cesena_admin)


def editor_post(room, **extra):
    data = {"name": "Isole da due", "width_m": "6.0", "depth_m": "4.0", "save": "new"}
    for n, seat in enumerate(room.seats.order_by("label")):
        data |= {f"seat-{seat.pk}-in": "on", f"seat-{seat.pk}-x": f"{1 + n}.25", f"seat-{seat.pk}-y": "2.00"}
        data[f"seat-{seat.pk}-rotation"] = "45"
    return data | extra


def test_the_administrator_saves_a_layout_from_the_editor(cesena, room, cesena_admin):
    client = staff_client("cesena.localhost", cesena_admin)
    url = f"/admin/hubs/space/{room.pk}/pianta/"
    page = client.get(url)
    assert page.status_code == 200
    assert "data-plan-editor" in page.content.decode() and "plan-editor.js" in page.content.decode()
    assert f"/admin/hubs/space/{room.pk}/pianta/" in client.get(f"/admin/hubs/space/{room.pk}/change/").content.decode()

    response = client.post(url, editor_post(room))
    with tenant_context(cesena):
        layout = Layout.objects.get(space=room, name="Isole da due")
        spots = sorted(SeatPlacement.objects.filter(layout=layout).values_list("x", "y", "rotation"))
    assert response.status_code == 302 and response["Location"] == f"{url}?allestimento={layout.pk}"
    assert spots == [
        (Decimal("1.25"), Decimal("2.00"), 45),
        (Decimal("2.25"), Decimal("2.00"), 45),
        (Decimal("3.25"), Decimal("2.00"), 45),
    ]

    bad = client.post(url, editor_post(room, **{f"seat-{room.seats.first().pk}-x": "abc", "name": "Altro"}))
    assert bad.status_code == 200 and "scrivi numeri in metri" in page_text(bad)


@pytest.fixture
def cesena_operator_of(cesena):
    def make(hub):
        user = UserFactory(email="op.plan@example.org")
        Role.objects.create(user=user, kind=Role.Kind.OPERATOR, municipality=cesena)
        with tenant_context(cesena):
            HubOperator.objects.create(hub=hub, user=user)
        return user

    return make


def test_nobody_from_another_comune_nor_an_operator_reads_or_saves_a_plan_of_cesena(
    cesena, sarsina, room, cesena_admin, sarsina_admin, cesena_operator_of
):
    url = f"/admin/hubs/space/{room.pk}/pianta/"
    with tenant_context(cesena):
        before = Layout.objects.count()
    # Sarsina's administrator on Cesena's host: refused, with a reason.
    outsider = staff_client("cesena.localhost", sarsina_admin)
    assert outsider.get(url).status_code == 403
    assert outsider.post(url, editor_post(room)).status_code == 403
    # Cesena's plan asked for from Sarsina's host, by Sarsina's or by Cesena's administrator:
    # Sarsina has no such room, so nothing of Cesena's is found.
    assert staff_client("sarsina.localhost", sarsina_admin).get(url).status_code == 404
    assert staff_client("sarsina.localhost", sarsina_admin).post(url, editor_post(room)).status_code == 404
    assert staff_client("sarsina.localhost", cesena_admin).get(url).status_code == 403
    # An operator of the hub may look at the catalogue but not arrange the furniture.
    operator = staff_client("cesena.localhost", cesena_operator_of(room.hub))
    assert operator.get(url).status_code == 403
    assert operator.post(url, editor_post(room)).status_code == 403
    with tenant_context(cesena):
        assert Layout.objects.count() == before
    with tenant_context(sarsina):
        assert not Layout.objects.exists()


def test_the_demo_rooms_have_an_outline_and_seats_placed_on_it(cesena, sarsina):
    import io

    from src.hubs.demo import load_hubs

    load_hubs([cesena, sarsina], io.StringIO())
    for comune in (cesena, sarsina):
        with tenant_context(comune):
            for room in Space.objects.filter(kind="coworking"):
                assert room.width_m and room.depth_m
                layout = room.default_layout
                placed = {p.seat_id: p for p in layout.placements.all()}
                assert set(placed) == {s.pk for s in room.seats.all()}
                assert all(0 < p.x < room.width_m and 0 < p.y < room.depth_m for p in placed.values())
                assert len({(p.x, p.y) for p in placed.values()}) == len(placed)  # no two desks in one spot
