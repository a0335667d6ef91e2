import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import tenants.reporting.commuting


def role_ensure(apps, schema_editor):
    # The read-only role and its grants in the public schema; comune schemas get
    # theirs when they are created or migrated (apps.py).
    import logging

    from django.db import DatabaseError, transaction

    from tenants.reporting.role import grant_public, role_create

    try:
        with transaction.atomic(using=schema_editor.connection.alias), schema_editor.connection.cursor() as cursor:
            role_create(cursor)
            grant_public(cursor)
    except DatabaseError:
        # A database user without CREATEROLE: a DBA runs `manage.py reporting_setup` (README) instead
        # of every migration failing here.
        logging.getLogger(__name__).warning(
            "Could not create the hub_reporting role: run manage.py reporting_setup as a DBA."
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("comuni", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommuteProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "workplace_istat_code",
                    models.CharField(
                        blank=True,
                        choices=tenants.reporting.commuting.workplace_choices,
                        help_text="Dove si andrebbe a lavorare se non si lavorasse in un hub.",
                        max_length=6,
                        verbose_name="comune del luogo di lavoro abituale",
                    ),
                ),
                (
                    "commute_km",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Se indicati, sostituiscono la distanza tra comuni della tabella dell'Unione.",
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(1000)],
                        verbose_name="km casa-lavoro dichiarati (sola andata)",
                    ),
                ),
                ("is_public_employee", models.BooleanField(default=False, verbose_name="dipendente pubblico")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="commute_profile",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="persona",
                    ),
                ),
            ],
            options={
                "verbose_name": "profilo di spostamento casa-lavoro",
                "verbose_name_plural": "profili di spostamento casa-lavoro",
            },
        ),
        migrations.RunPython(role_ensure, migrations.RunPython.noop),
    ]
