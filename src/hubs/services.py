"""Writes to a comune's catalogue (hubs, spaces, seats, hours, desks...).

Every write is validated by the model's own rules (`full_clean`, the same the
admin applies), saved in one transaction, and recorded in the comune's change
log with its author.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from src.common.errors import Conflict
from src.hubs.changelog import ADDITION, CHANGE, DELETION, change_record
from src.hubs.models import Layout, LayoutSchedule, Seat, Space


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
