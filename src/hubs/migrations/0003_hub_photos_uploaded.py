"""Hub photos become files uploaded to the platform (src/hubs/photos.py), not addresses.

The old rows named an external address (a third party that would see every visitor) or a
path among the static files shipped with the code, not an image of the comune's own: neither
is a file in the comune's media folder, so each is removed, and listed (hub, alternative
text, old address) so the comune's administrators can upload the photos again in the admin.
"""

from django.db import connection, migrations, models

import src.hubs.photos


def drop_photo_addresses(apps, schema_editor):
    HubPhoto = apps.get_model("hubs", "HubPhoto")
    old = list(HubPhoto.objects.select_related("hub").order_by("hub__name", "order", "id"))
    if not old:
        return
    print(
        f"\n  {connection.schema_name}: {len(old)} hub photo(s) given as an address removed;"
        " upload them again in the admin (Hub > Foto):"
    )
    for photo in old:
        print(f"    - {photo.hub.name}: {photo.alt_text!r} (was {photo.image})")
    HubPhoto.objects.filter(pk__in=[photo.pk for photo in old]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0002_seat_plan"),
    ]

    operations = [
        migrations.RunPython(drop_photo_addresses, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="hubphoto",
            name="image",
            field=models.ImageField(
                help_text="Foto JPEG, PNG o WebP, al massimo 8 MB e 4000 × 4000 pixel; viene ridimensionata e"
                " ripulita dai metadati.",
                max_length=300,
                upload_to=src.hubs.photos.photo_path,
                verbose_name="immagine",
            ),
        ),
    ]
