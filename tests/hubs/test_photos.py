"""Hub photos are uploaded to the platform, never external addresses: what is stored is a
re-encoded WebP without any metadata, in the comune's own folder; what is not a usable image
is refused with a sentence in Italian; the hub page loads no image from another site."""

import importlib
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from src.hubs.models import HubPhoto
from src.hubs.photos import MAX_WIDTH
from tests.conftest import host_client, page_text
from tests.hubs.factories import make_hub
from tests.pages.builders import add_photo, image_upload
from tests.signin import sign_in_staff

ALT = "La sala coworking con le finestre sul parco"
STORED = re.compile(r"/media/(?P<schema>[a-z0-9_]+)/hubs/[0-9a-f]{32}\.webp")


def camera_exif() -> Image.Exif:
    """What a phone writes into a photo: maker, model, owner, and "turn me 90° to view"."""
    exif = Image.Exif()
    exif[0x010F] = "FotoFonino"  # Make
    exif[0x0110] = "Modello 7"  # Model
    exif[0x013B] = "Mario Rossi, via dei Segreti 3"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise
    return exif


def upload_photo(host, admin, hub, upload, alt_text=ALT):
    client = sign_in_staff(host_client(host), admin)
    return client.post(f"/api/v1/hubs/{hub.pk}/photos/", {"image": upload, "alt_text": alt_text})


def stored_file(photo: HubPhoto) -> Path:
    return Path(settings.MEDIA_ROOT) / photo.image.name


@pytest.fixture
def cesena_hub(cesena):
    with tenant_context(cesena):
        return make_hub("hub-rocca", "Hub della Rocca")


def test_an_uploaded_photo_is_stored_re_encoded_without_metadata(cesena, cesena_admin, cesena_hub):
    upload = image_upload("IMG_0042.png", size=(2400, 3600), exif=camera_exif())  # taken sideways
    assert b"Mario Rossi" in upload.read() and upload.seek(0) == 0  # the upload carries it

    response = upload_photo("cesena.localhost", cesena_admin, cesena_hub, upload)

    assert response.status_code == 201, response.content
    assert STORED.fullmatch(response.json()["url"]).group("schema") == "cesena"
    with tenant_context(cesena):
        photo = HubPhoto.objects.get(hub=cesena_hub)
    path = stored_file(photo)
    assert path.parent == Path(settings.MEDIA_ROOT) / "cesena" / "hubs"
    data = path.read_bytes()
    assert b"Mario Rossi" not in data and b"FotoFonino" not in data and b"Exif" not in data
    with Image.open(path) as stored:
        assert stored.format == "WEBP"
        assert not stored.getexif() and not {"exif", "xmp", "icc_profile"} & set(stored.info)
        # Turned upright as the camera asked (3600 × 2400), then scaled down to the page's width.
        assert stored.size == (MAX_WIDTH, round(2400 * MAX_WIDTH / 3600))
    # And served from the comune's site.
    served = host_client("cesena.localhost").get(photo.url)
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    assert b"".join(served.streaming_content) == data


def _bomb_png(width: int, height: int) -> bytes:
    """A PNG whose header announces width × height pixels over a few bytes of data: decoding it
    would take gigabytes, so it must be refused from the header."""
    small = io.BytesIO()
    Image.new("RGB", (1, 1)).save(small, "PNG")
    data = bytearray(small.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17])) & 0xFFFFFFFF
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


REFUSALS = [
    (
        SimpleUploadedFile("foto.jpg", b"non sono una foto, solo testo", content_type="image/jpeg"),
        "Il file non è un'immagine JPEG, PNG o WebP leggibile",
    ),
    (
        SimpleUploadedFile(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            content_type="image/svg+xml",
        ),
        "Il file non è un'immagine JPEG, PNG o WebP leggibile",
    ),
    (
        SimpleUploadedFile("enorme.jpg", b"\xff\xd8\xff" + b"0" * (8 * 1024 * 1024), content_type="image/jpeg"),
        "La foto è troppo grande: al massimo 8 MB.",
    ),
    (image_upload("panorama.png", size=(4001, 50)), "La foto è troppo grande: al massimo 4000 × 4000 pixel."),
    (
        SimpleUploadedFile("bomba.png", _bomb_png(60000, 60000), content_type="image/png"),
        "La foto è troppo grande: al massimo 4000 × 4000 pixel.",
    ),
    (SimpleUploadedFile("vuoto.png", b"", content_type="image/png"), "Il file è vuoto"),
]


@pytest.mark.parametrize(("upload", "message"), REFUSALS, ids=["text", "svg", "8mb", "pixels", "bomb", "empty"])
def test_what_is_not_a_usable_photo_is_refused_in_italian(cesena, cesena_admin, cesena_hub, upload, message):
    upload.seek(0)
    response = upload_photo("cesena.localhost", cesena_admin, cesena_hub, upload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"].startswith(message), body
    assert body["fields"]["image"][0].startswith(message), body
    with tenant_context(cesena):
        assert not HubPhoto.objects.exists()


def test_the_admin_uploads_a_photo_and_refuses_a_non_image(cesena, cesena_admin):
    client = sign_in_staff(host_client("cesena.localhost"), cesena_admin)

    def hub_form(slug, upload):
        form = {"name": "Hub del Ponte", "slug": slug, "address": "Via Ponte 1", "town": "Cesena"}
        for prefix in ("opening_hours", "special_openings", "closures"):
            form |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
        form |= {"photos-TOTAL_FORMS": "1", "photos-INITIAL_FORMS": "0", "photos-0-image": upload}
        form |= {"photos-0-alt_text": ALT, "photos-0-order": "0"}
        return form

    refused = client.post("/admin/hubs/hub/add/", hub_form("ponte", SimpleUploadedFile("a.jpg", b"testo")))
    assert refused.status_code == 200  # the form again, with the reason
    assert "Il file non è un'immagine JPEG, PNG o WebP leggibile" in page_text(refused)

    added = client.post("/admin/hubs/hub/add/", hub_form("ponte", image_upload(exif=camera_exif())))
    assert added.status_code == 302, page_text(added)[:2000]
    with tenant_context(cesena):
        photo = HubPhoto.objects.get(hub__slug="ponte")
    assert STORED.fullmatch(photo.url).group("schema") == "cesena"
    assert b"Mario Rossi" not in stored_file(photo).read_bytes()


def test_each_comunes_photos_stay_in_its_own_folder(cesena, sarsina, cesena_admin, sarsina_admin):
    with tenant_context(cesena):
        cesena_hub = make_hub("hub-rocca", "Hub della Rocca")
    with tenant_context(sarsina):
        sarsina_hub = make_hub("hub-plauto", "Hub Plauto")
    assert upload_photo("cesena.localhost", cesena_admin, cesena_hub, image_upload()).status_code == 201
    assert upload_photo("sarsina.localhost", sarsina_admin, sarsina_hub, image_upload()).status_code == 201
    # Sarsina's administrator cannot put a photo into Cesena's hubs, by id or through Cesena's host.
    assert upload_photo("sarsina.localhost", sarsina_admin, cesena_hub, image_upload()).status_code in (403, 404)
    assert upload_photo("cesena.localhost", sarsina_admin, cesena_hub, image_upload()).status_code == 403

    media = Path(settings.MEDIA_ROOT).resolve()
    for comune, other in ((cesena, sarsina), (sarsina, cesena)):
        with tenant_context(comune):
            photos = list(HubPhoto.objects.all())
        assert len(photos) == 1
        path = stored_file(photos[0]).resolve()
        assert path.is_relative_to(media / comune.schema_name / "hubs")
        assert not path.is_relative_to(media / other.schema_name)
        assert photos[0].image.name.startswith(f"{comune.schema_name}/hubs/")


def test_the_hub_page_loads_no_image_from_another_site(cesena):
    with tenant_context(cesena):
        hub = make_hub("hub-rocca", "Hub della Rocca")
        add_photo(hub, ALT)
    for path in ("/hub/hub-rocca/", "/hub/", "/"):
        html = host_client("cesena.localhost").get(path + "?sso=0").content.decode()
        sources = re.findall(r'<img [^>]*src="([^"]*)"', html)
        assert sources, path
        assert all(src.startswith("/") and not src.startswith("//") for src in sources), sources
    photo_tags = [tag for tag in re.findall(r"<img [^>]*>", html) if "/media/" in tag]
    assert photo_tags and all(f'alt="{ALT}"' in tag for tag in photo_tags)
    assert STORED.search(html).group("schema") == "cesena"


def test_old_photo_addresses_are_dropped_by_the_migration(cesena, capsys):
    from django.apps import apps

    migration = importlib.import_module("src.hubs.migrations.0003_hub_photos_uploaded")
    with tenant_context(cesena):
        hub = make_hub("hub-rocca", "Hub della Rocca")
        HubPhoto.objects.create(hub=hub, image="https://foto.example.org/rocca.jpg", alt_text="La Rocca")
        HubPhoto.objects.create(hub=hub, image="site/img/hub-esempio.svg", alt_text="Un esempio")
        migration.drop_photo_addresses(apps, None)
        assert not HubPhoto.objects.exists()
    said = capsys.readouterr().out
    assert "cesena: 2 hub photo(s)" in said and "https://foto.example.org/rocca.jpg" in said


def test_media_is_not_served_by_django_in_production(cesena, settings):
    with tenant_context(cesena):
        photo = add_photo(make_hub("hub-rocca", "Hub della Rocca"), ALT)
    settings.SERVE_MEDIA = False
    assert host_client("cesena.localhost").get(photo.url).status_code == 404
