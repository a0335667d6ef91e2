"""Writes of the identity tables: a person's settings, their calendar-feed link, their sessions."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from tenants.identity.models import PersonalSettings, User
from tenants.identity.selectors import ERASED_EMAIL, sessions_active, walk_in_accounts


def personal_settings_update(*, user, **choices) -> PersonalSettings:
    """Save the person's choices (field name -> value) and return their settings."""
    allowed = {f.name for f in PersonalSettings._meta.concrete_fields} - {"user", "calendar_feed_version", "updated_at"}
    unknown = set(choices) - allowed
    if unknown:
        raise ValueError(f"Not a personal setting: {sorted(unknown)}")
    row, _created = PersonalSettings.objects.update_or_create(user_id=user.pk, defaults=choices)
    return row


def calendar_feed_renew(*, user) -> int:
    """A new private calendar link: the version moves on, so every older link stops working. Returns it."""
    with transaction.atomic():
        PersonalSettings.objects.get_or_create(user_id=user.pk)
        PersonalSettings.objects.filter(user_id=user.pk).update(calendar_feed_version=F("calendar_feed_version") + 1)
        return PersonalSettings.objects.get(user_id=user.pk).calendar_feed_version


def sessions_end_all(user) -> int:
    """Sign the person out everywhere: every session of theirs, in the database and in the
    sessions cache (cached_db keeps a copy there). Returns how many ended.

    A minimal version, until the single sign-on work brings its own; that one should replace it.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in sessions_active(user):
        store().delete(session.key)  # cached_db: the cache key and the row
        ended += 1
    return ended


def erased_person_get() -> User:
    """The tombstone account ("utente cancellato") that erased people's rows point at."""
    user, _created = User.objects.get_or_create(
        email=ERASED_EMAIL,
        defaults={
            "first_name": "Utente",
            "last_name": "cancellato",
            "is_active": False,
            "password": make_password(None),
        },
    )
    return user


def walk_ins_forget(person_ids) -> int:
    """Delete the walk-in accounts among `person_ids` that nothing refers to any more, in any
    comune (retention: their bookings were anonymised). Returns how many were deleted.

    Every foreign key to the people table (from the public schema and from every comune's
    schema) is checked at once by `SET CONSTRAINTS ALL IMMEDIATE`: an account still referred
    to anywhere is kept, in a savepoint, and its e-mail stays until its last booking ages out.
    """
    table = f"{connection.ops.quote_name(settings.PUBLIC_SCHEMA_NAME)}.{connection.ops.quote_name(User._meta.db_table)}"
    deleted = 0
    candidates = list(walk_in_accounts().filter(pk__in=list(person_ids)).values_list("pk", flat=True))
    for pk in candidates:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
                gone = cursor.rowcount
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # refused here if anything still refers to it
            deleted += gone
        except IntegrityError:
            pass  # still referred to: kept for now
        finally:
            if connection.in_atomic_block:
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to the foreign keys' own mode
    return deleted
