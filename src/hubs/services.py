"""Writes to a comune's catalogue (hubs, spaces, seats, hours, desks...).

Every write is validated by the model's own rules (`full_clean`, the same the
admin applies), saved in one transaction, and recorded in the comune's change
log with its author.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from src.common.errors import Conflict
from src.hubs.changelog import ADDITION, CHANGE, DELETION, change_record
from src.hubs.models import Hub, HubPhoto, Layout, LayoutSchedule, Space
from src.hubs.photos import photo_prepare


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
