"""Hubs with everything their pages show. Call inside `tenant_context(comune)`.

Shared with tests/browser (the live-server comune is filled with them).
"""

import io
from datetime import time

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from src.desks.models import DeskHours, ServiceDesk
from src.hubs.models import Closure, Hub, HubPhoto, OpeningHours, Space
from src.hubs.photos import photo_prepare

# Open every day, all day: "aperto ora" whatever the time the test runs
# (except the last second before midnight).
ALL_WEEK = {day: [("00:00", "23:59:59")] for day in range(7)}


def _hours(model, owner_field, owner, hours):
    for weekday, ranges in (hours or {}).items():
        for opens, closes in ranges:
            model.objects.create(
                **{owner_field: owner},
                weekday=weekday,
                opens=time.fromisoformat(opens),
                closes=time.fromisoformat(closes),
            )


def build_hub(slug, name, *, town, published=True, hours=None, **fields) -> Hub:
    fields.setdefault("address", "Piazza del Popolo 1")
    hub = Hub.objects.create(slug=slug, name=name, town=town, is_published=published, **fields)
    _hours(OpeningHours, "hub", hub, hours)
    return hub


def add_desk(
    hub, name="Sportello Facile", *, kind=ServiceDesk.Kind.SPORTELLO_FACILE, hours=None, **fields
) -> ServiceDesk:
    desk = ServiceDesk.objects.create(hub=hub, kind=kind, name=name, **fields)
    _hours(DeskHours, "desk", desk, hours)
    return desk


def add_space(hub, name="Sala coworking", *, kind=Space.Kind.COWORKING, capacity=8, **fields) -> Space:
    return Space.objects.create(hub=hub, name=name, kind=kind, capacity=capacity, **fields)


def image_upload(
    name="sala.png", *, size=(1200, 800), image_format="PNG", colour=(46, 125, 160), exif=None
) -> SimpleUploadedFile:
    """A real image file as a browser uploads it (a gradient, so the encoder has work to do)."""
    image = Image.new("RGB", size, colour)
    image.paste((240, 200, 80), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    buffer = io.BytesIO()
    image.save(buffer, image_format, **({"exif": exif} if exif is not None else {}))
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def add_photo(hub, alt_text, upload=None, order=0) -> HubPhoto:
    """A photo uploaded to the platform: re-encoded and stored in the current comune's folder."""
    image = photo_prepare(upload or image_upload())
    return HubPhoto.objects.create(hub=hub, image=image, alt_text=alt_text, order=order)


def add_closure(hub, starts_on, ends_on=None, reason="") -> Closure:
    return Closure.objects.create(hub=hub, starts_on=starts_on, ends_on=ends_on or starts_on, reason=reason)
