"""Hub photos uploaded to the platform: checked, stripped of every metadata and re-encoded.

A photo is served by us, from the comune's own folder (`<MEDIA_ROOT>/<schema>/hubs/<uuid>.webp`),
never from a third party's address that would see the visitors. What is stored is never the
uploaded file itself: the pixels are decoded, turned upright (EXIF orientation), scaled down to
`MAX_WIDTH` and written again as WebP, so nothing of the original file survives (EXIF with GPS
position and camera serial, XMP, ICC profiles, comments, trailing bytes, polyglot payloads).

Refused, with a sentence saying why: anything that is not a JPEG, PNG or WebP image, a file
over `MAX_UPLOAD_BYTES`, an image wider or taller than `MAX_SIDE` (decompression bombs are
refused from the header, before a single pixel is decoded).
"""

import io
import uuid
import warnings
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from src.common.errors import DomainError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_SIDE = 4000  # pixels, each side of the uploaded image
MAX_WIDTH = 1600  # pixels: wide enough for the hub page on any screen
FORMATS = ("JPEG", "PNG", "WEBP")
OUTPUT_FORMAT, OUTPUT_EXTENSION, OUTPUT_QUALITY = "WEBP", ".webp", 82
FOLDER = "hubs"


class PhotoRefused(DomainError):
    code = "photo_invalid"

    def __init__(self, message, *, code: str | None = None):
        super().__init__(message, code=code, field="image")


def _refuse_bombs():
    # Pillow warns, then raises, above its own pixel limit; ours (MAX_SIDE) is far lower and is
    # checked first, but a warning must never let a huge image through.
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def photo_reencode(upload) -> bytes:
    """The upload as clean WebP bytes; PhotoRefused if it cannot be one."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_UPLOAD_BYTES:
        raise PhotoRefused(
            _("La foto è troppo grande: al massimo %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="photo_too_large",
        )
    if size == 0:
        raise PhotoRefused(_("Il file è vuoto: scegli una foto in formato JPEG, PNG o WebP."))
    not_an_image = _("Il file non è un'immagine JPEG, PNG o WebP leggibile: scegli una foto in uno di questi formati.")
    too_many_pixels = _("La foto è troppo grande: al massimo %(side)d × %(side)d pixel.") % {"side": MAX_SIDE}
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRefused(
            _("La foto è troppo grande: al massimo %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="photo_too_large",
        )
    with warnings.catch_warnings():
        _refuse_bombs()
        try:
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:  # the header only, so far
                if image.width > MAX_SIDE or image.height > MAX_SIDE:
                    raise PhotoRefused(too_many_pixels, code="photo_too_many_pixels")
                if getattr(image, "n_frames", 1) > 1:
                    raise PhotoRefused(_("Le immagini animate non sono accettate: scegli una foto."))
                image.load()
                image = ImageOps.exif_transpose(image)  # upright, as the camera meant it
                if image.width > MAX_WIDTH:
                    image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.LANCZOS)
                mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
                # Only the pixels travel on: a new image carries no info, EXIF, XMP or ICC profile.
                clean = Image.frombytes(mode, image.size, image.convert(mode).tobytes())
        except PhotoRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise PhotoRefused(too_many_pixels, code="photo_too_many_pixels") from error
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
            raise PhotoRefused(not_an_image) from error
        except Exception as error:  # noqa: BLE001 - whatever a hostile file makes a decoder raise, it is not a photo
            raise PhotoRefused(not_an_image) from error
    out = io.BytesIO()
    clean.save(out, OUTPUT_FORMAT, quality=OUTPUT_QUALITY, method=4)
    return out.getvalue()


def photo_prepare(upload) -> ContentFile:
    """The re-encoded photo as a file for `HubPhoto.image`: its name is chosen by the field
    (`photo_path`), in the current comune's folder."""
    data = photo_reencode(upload)
    return ContentFile(data, name=f"photo{OUTPUT_EXTENSION}")


def photo_path(instance, filename: str) -> str:
    """`<schema>/hubs/<uuid>.webp`: each comune's photos in its own folder, under a name nobody guesses."""
    schema = connection.schema_name
    if not schema or schema == "public" or not schema.replace("_", "").isalnum():
        raise RuntimeError(f"Hub photos are saved in a comune's schema, not in {schema!r}.")
    extension = PurePosixPath(filename).suffix.lower() or OUTPUT_EXTENSION
    return f"{schema}/{FOLDER}/{uuid.uuid4().hex}{extension}"


# --- the files follow their rows: a replaced or deleted photo's file goes once the change is committed ---


def _delete_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def photo_file_replaced(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of HubPhoto: a new image for an existing photo drops the old file."""
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("image", flat=True).first()
    if old and old != instance.image.name:
        _delete_after_commit(instance.image.storage, old)


def photo_file_deleted(sender, instance, **kwargs) -> None:
    """post_delete of HubPhoto (its hub's deletion included)."""
    _delete_after_commit(instance.image.storage, instance.image.name)
