"""Writes on accounts: confirmed addresses, and people found, created or linked by SPID/CIE.

A SPID/CIE sign-in finds its account by the VERIFIED fiscal code only. A fiscal code typed
by hand at sign-up is never trusted: an account holding the same typed code is not taken
over. An e-mail account gets a verified identity only when its owner, signed in, completes
SPID/CIE from it ("collega SPID/CIE"), and never one that another account already holds.

Writes of the identity tables: a person's settings, their calendar-feed link, their sessions.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.identity.models import PersonalSettings, User
from tenants.identity.oidc import Identity, IdentityRefused
from tenants.identity.selectors import ERASED_EMAIL, sessions_active, walk_in_accounts

HELD_BY_ANOTHER = _(
    "Questa identità SPID/CIE è già collegata a un altro account. Esci e accedi con SPID o CIE per usare quell'account."
)
OTHER_IDENTITY = _(
    "Il tuo account è già collegato a un'altra identità SPID/CIE: non può esserne collegata una seconda."
)
EMAIL_TAKEN = _(
    "Esiste già un account con l'indirizzo e-mail %(email)s. Accedi a quell'account con la password "
    "o con un link via e-mail, poi scegli «Collega SPID/CIE» per usarlo anche con SPID e CIE."
)


def email_mark_verified(user, *, email: str) -> None:
    user.email_verified_address = email.lower()
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_address", "email_verified_at"])


def _apply(user, identity: Identity) -> None:
    """What SPID/CIE vouched for goes on the account: the verified code, the names, the address if it matches."""
    now = timezone.now()
    user.fiscal_code_verified = identity.fiscal_code
    user.fiscal_code_verified_at = now
    user.fiscal_code_verified_by = identity.method
    if identity.given_name:
        user.first_name = identity.given_name
    if identity.family_name:
        user.last_name = identity.family_name
    if identity.email and identity.email == user.email.lower() and not user.email_verified:
        user.email_verified_address = identity.email
        user.email_verified_at = now


def _holder(fiscal_code: str):
    return get_user_model().objects.filter(fiscal_code_verified=fiscal_code).first()


def person_for_identity(identity: Identity, *, link_to=None):
    """The account for a checked identity; None when it needs creating (see `person_create_from_identity`).

    `link_to`: the signed-in person completing "collega SPID/CIE" from their account.
    """
    holder = _holder(identity.fiscal_code)
    if link_to is not None:
        if holder is not None and holder.pk != link_to.pk:
            raise IdentityRefused(HELD_BY_ANOTHER, status=409)
        if link_to.fiscal_code_verified and link_to.fiscal_code_verified != identity.fiscal_code:
            raise IdentityRefused(OTHER_IDENTITY, status=409)
        person = link_to
    elif holder is not None:
        person = holder
    else:
        return None
    if not person.is_active:
        raise IdentityRefused(_("Questo account è disattivato. Scrivi all'ufficio che gestisce gli hub."), status=403)
    _apply(person, identity)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # the same identity linked elsewhere a moment ago
        raise IdentityRefused(HELD_BY_ANOTHER, status=409)
    return person


def person_create_from_identity(identity: Identity, *, email: str):
    """A new account for a first SPID/CIE sign-in; `email` is the claim's, or the one the person typed."""
    User = get_user_model()
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise IdentityRefused(EMAIL_TAKEN % {"email": email}, status=409)
    person = User(email=email)
    person.set_unusable_password()
    _apply(person, identity)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Two first sign-ins at once: the other one created it.
        holder = _holder(identity.fiscal_code)
        if holder is None:
            raise IdentityRefused(EMAIL_TAKEN % {"email": email}, status=409)
        return holder
    return person


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
    """Sign the person out everywhere: the sign-out time that ends every session on every host
    at its next request (tenants/identity/sso.py), and the stored sessions deleted now, in the
    database and in the sessions cache (cached_db keeps a copy there). Returns how many ended.
    """
    from tenants.identity import sso  # sso reads accounts through this module's neighbours

    sso.sessions_end_all(user)
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
