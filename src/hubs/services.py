"""Writes to a comune's catalogue (hubs, spaces, seats, hours, desks...).

Every write is validated by the model's own rules (`full_clean`, the same the
admin applies), saved in one transaction, and recorded in the comune's change
log with its author.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from src.common.errors import Conflict, DomainError
from src.hubs.changelog import ADDITION, CHANGE, DELETION, change_record
from src.hubs.models import Hub, HubPhoto, Layout, LayoutSchedule, Seat, SeatPlacement, Space
from src.hubs.photos import photo_prepare
from src.hubs.selectors import plan_size


def _split_m2m(model: type[models.Model], data: dict) -> tuple[dict, dict]:
    m2m_names = {f.name for f in model._meta.many_to_many}
    plain = {k: v for k, v in data.items() if k not in m2m_names}
    m2m = {k: v for k, v in data.items() if k in m2m_names}
    return plain, m2m


def _check_m2m(instance: models.Model, m2m: dict) -> None:
    # A layout arranges the seats of its own room only.
    if isinstance(instance, Layout) and "seats" in m2m:
        if any(seat.space_id != instance.space_id for seat in m2m["seats"]):
            raise ValidationError({"seats": _("Le postazioni devono appartenere allo spazio dell'allestimento.")})


def _save(instance: models.Model, m2m: dict) -> None:
    instance.full_clean()
    _check_m2m(instance, m2m)
    instance.save()
    for name, values in m2m.items():
        getattr(instance, name).set(values)


@transaction.atomic
def catalogue_create(*, model: type[models.Model], user, data: dict) -> models.Model:
    plain, m2m = _split_m2m(model, data)
    instance = model(**plain)
    _save(instance, m2m)
    change_record(user=user, obj=instance, action=ADDITION)
    return instance


@transaction.atomic
def catalogue_update(*, instance: models.Model, user, data: dict) -> models.Model:
    plain, m2m = _split_m2m(type(instance), data)
    changed = [name for name, value in plain.items() if getattr(instance, name) != value]
    for name, value in plain.items():
        setattr(instance, name, value)
    changed += [name for name, values in m2m.items() if set(getattr(instance, name).all()) != set(values)]
    _save(instance, m2m)
    if changed:
        meta = instance._meta
        change_record(
            user=user, obj=instance, action=CHANGE, fields=[str(meta.get_field(n).verbose_name) for n in changed]
        )
    return instance


@transaction.atomic
def catalogue_delete(*, instance: models.Model, user) -> None:
    # Log first: afterwards the object has no primary key to point at.
    change_record(user=user, obj=instance, action=DELETION)
    try:
        with transaction.atomic():
            instance.delete()
    except (models.ProtectedError, models.RestrictedError) as error:
        # Still referenced (e.g. by bookings): Django's own text names models and ids, not for people.
        raise Conflict(_("L'oggetto è ancora in uso e non può essere eliminato.")) from error


@transaction.atomic
def layout_schedule_set(*, space: Space, day, layout: Layout | None, user) -> LayoutSchedule | None:
    """Arrange `space` with `layout` on `day`; None goes back to the default layout."""
    existing = LayoutSchedule.objects.filter(space=space, date=day).first()
    if layout is None:
        if existing is not None:
            catalogue_delete(instance=existing, user=user)
        return None
    if existing is not None:
        return catalogue_update(instance=existing, user=user, data={"layout": layout})
    return catalogue_create(model=LayoutSchedule, user=user, data={"space": space, "layout": layout, "date": day})


@dataclass(frozen=True)
class PlacementIn:
    """One seat as the plan editor sends it: where it stands and whether the layout includes it."""

    seat_id: int
    x: Decimal
    y: Decimal
    rotation: int
    included: bool = True


def _metres(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


@transaction.atomic
def layout_plan_save(
    *,
    space: Space,
    name: str,
    placements: list[PlacementIn],
    user,
    layout: Layout | None = None,
    width_m: Decimal | None = None,
    depth_m: Decimal | None = None,
    make_default: bool = False,
) -> Layout:
    """Save the arrangement drawn on the plan: `layout` updated, or a new named layout when None.

    Every seat must be one of this room's; every placed seat must stand inside the room.
    The room's size, when given, is saved with it (it draws the outline)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Dai un nome all'allestimento."), code="layout_name_missing", field="name")
    if layout is not None and layout.space_id != space.pk:
        raise DomainError(_("L'allestimento deve appartenere a questo spazio."), code="layout_other_space")
    # One save at a time per room: two administrators saving at once keep one whole arrangement.
    Space.objects.select_for_update().filter(pk=space.pk).first()
    same_name = Layout.objects.filter(space=space, name__iexact=name)
    if layout is not None:
        same_name = same_name.exclude(pk=layout.pk)
    if same_name.exists():
        raise DomainError(
            _("Questa sala ha già un allestimento chiamato «%(name)s»: scegli un altro nome.") % {"name": name},
            code="layout_name_taken",
            field="name",
        )
    seats = {seat.pk: seat for seat in Seat.objects.filter(space=space)}
    unknown = [p.seat_id for p in placements if p.seat_id not in seats]
    if unknown:
        raise DomainError(
            _("Le postazioni devono appartenere allo spazio dell'allestimento."), code="seat_other_space", field="seats"
        )
    if (width_m, depth_m) != (space.width_m, space.depth_m) and (width_m is not None or depth_m is not None):
        catalogue_update(instance=space, user=user, data={"width_m": width_m, "depth_m": depth_m})
    included = [p for p in placements if p.included]
    width, depth = plan_size(space, len(included))
    for p in placements:
        if not (0 <= p.x <= Decimal(str(width)) and 0 <= p.y <= Decimal(str(depth))):
            raise DomainError(
                _("La postazione %(seat)s è fuori dalla sala (%(x)s m, %(y)s m): la sala misura %(w)s × %(d)s m.")
                % {
                    "seat": seats[p.seat_id].label,
                    "x": _metres(p.x),
                    "y": _metres(p.y),
                    "w": _metres(Decimal(str(width))),
                    "d": _metres(Decimal(str(depth))),
                },
                code="seat_outside_room",
                field="seats",
            )
        if not 0 <= p.rotation <= 359:
            raise DomainError(_("La rotazione va da 0 a 359 gradi."), code="rotation_range", field="seats")
    data = {"name": name, "seats": [seats[p.seat_id] for p in included]}
    if layout is None:
        layout = catalogue_create(model=Layout, user=user, data={"space": space, **data})
    else:
        layout = catalogue_update(instance=layout, user=user, data=data)
    SeatPlacement.objects.filter(layout=layout).delete()
    SeatPlacement.objects.bulk_create(
        SeatPlacement(layout=layout, seat_id=p.seat_id, x=p.x, y=p.y, rotation=p.rotation) for p in included
    )
    if make_default and space.default_layout_id != layout.pk:
        catalogue_update(instance=space, user=user, data={"default_layout": layout})
    return layout


# --- Seats in bulk: "P1–P12" -----------------------------------------------------------------

SEAT_RANGE_MAX = 200
# "P1-P12", "P1–P12", "P01—P12", "A 1 - A 8": a prefix and a first number, then the same prefix and a last one.
_SEAT_RANGE = re.compile(r"^\s*(?P<prefix>[^\d\s]*)\s*(?P<first>\d+)\s*[-–—]\s*(?P=prefix)?\s*(?P<last>\d+)\s*$")


def seat_labels_parse(text: str) -> list[str]:
    """The labels a range names, in order: "P1–P3" → P1, P2, P3; "P01–P03" keeps the zeros.
    A ValidationError (in Italian) when the text is not a range, is reversed or is too long."""
    match = _SEAT_RANGE.match(text or "")
    if match is None:
        raise ValidationError(
            _(
                "Scrivi un intervallo di etichette come «P1–P12»: una lettera o un prefisso, il primo numero, un trattino e l'ultimo numero."
            )
        )
    prefix, first, last = match["prefix"], match["first"], match["last"]
    start, end = int(first), int(last)
    if end < start:
        raise ValidationError(
            _("L'intervallo va dal numero più piccolo al più grande (per esempio «%(prefix)s1–%(prefix)s12»).")
            % {"prefix": prefix}
        )
    if end - start + 1 > SEAT_RANGE_MAX:
        raise ValidationError(
            _("Si possono aggiungere al massimo %(max)d postazioni alla volta.") % {"max": SEAT_RANGE_MAX}
        )
    width = len(first) if first.startswith("0") else 0
    return [f"{prefix}{number:0{width}d}" for number in range(start, end + 1)]


@dataclass(frozen=True)
class SeatRangeResult:
    created: list[str]
    existing: list[str]  # labels the space already had: left as they are


@transaction.atomic
def seats_create_range(*, space: Space, labels: list[str], user, features: list[str] | None = None) -> SeatRangeResult:
    """Add a seat to `space` for each label it does not have yet, each recorded in the change log."""
    have = set(Seat.objects.select_for_update().filter(space=space, label__in=labels).values_list("label", flat=True))
    created, existing = [], []
    for label in labels:
        if label in have:
            existing.append(label)
            continue
        catalogue_create(model=Seat, user=user, data={"space": space, "label": label, "features": list(features or [])})
        created.append(label)
    return SeatRangeResult(created=created, existing=existing)


# --- photos: uploaded, re-encoded, stored in the comune's folder (src/hubs/photos.py) ---


def hub_photo_create(*, hub: Hub, user, upload, alt_text: str, order: int = 0) -> HubPhoto:
    """A photo of `hub` from an uploaded file; PhotoRefused (400, in Italian) when it is not a
    usable image. What is stored is the re-encoded image, never the file as uploaded."""
    image = photo_prepare(upload)
    return catalogue_create(
        model=HubPhoto, user=user, data={"hub": hub, "image": image, "alt_text": alt_text, "order": order}
    )


def hub_photo_update(*, photo: HubPhoto, user, data: dict) -> HubPhoto:
    """Alternative text, order, or a new image (re-encoded as on creation; the old file goes
    once the change is committed)."""
    data = dict(data)
    if data.get("image") is not None:
        data["image"] = photo_prepare(data["image"])
    else:
        data.pop("image", None)
    return catalogue_update(instance=photo, user=user, data=data)
