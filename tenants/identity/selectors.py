"""Reads about a person that the comuni's apps ask (src/ may import this module).

Reads of the identity tables that other parts need: comune apps (src/) read a person's
choices only through here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.identity.models import PersonalSettings, Reminder, User
from tenants.operators import access as operators_access

EMAIL_UNVERIFIED = _(
    "Prima di prenotare conferma il tuo indirizzo e-mail con il link che ti abbiamo inviato. "
    "Non lo trovi? Chiedi di reinviarlo da «Conferma l'indirizzo e-mail» (/account/email/conferma/)."
)


def can_book(user) -> tuple[bool, str]:
    """May this signed-in person book, register or take an appointment with the account?

    Yes once the e-mail address is confirmed, or when SPID/CIE verified the person's
    identity (with or without an e-mail claim: the person is known, and the address is
    the one they chose). An anonymous visitor is left to the view's own rules.
    """
    if not getattr(user, "is_authenticated", False):
        return True, ""
    if user.identity_verified or user.email_verified:
        return True, ""
    return False, str(EMAIL_UNVERIFIED)


# The one account that erased people's rows point at where a person is required
# (a seat booking, a waitlist entry): no name, no e-mail of anyone, never signs in.
ERASED_EMAIL = "utente.cancellato@cancellato.invalid"


def personal_settings_get(user) -> PersonalSettings:
    """The person's settings, or the defaults (unsaved) when they never changed any."""
    return PersonalSettings.objects.filter(user_id=user.pk).first() or PersonalSettings(user_id=user.pk)


def reminders_refused(reminder: Reminder):
    """The ids of the people who turned `reminder` off, as a subquery: `.exclude(person_id__in=...)`."""
    return PersonalSettings.objects.filter(**{reminder.value: False}).values("user_id")


def calendar_feed_version(person_id: int) -> int:
    return (
        PersonalSettings.objects.filter(user_id=person_id).values_list("calendar_feed_version", flat=True).first() or 0
    )


def walk_in_accounts():
    """Accounts the front desk created on the spot for someone booking at the desk, who never
    signed in: no usable password, no sign-in. (Whoever sets a password and signs in becomes
    an ordinary account holder.)"""
    return User.objects.filter(last_login__isnull=True, password__startswith=UNUSABLE_PASSWORD_PREFIX).exclude(
        email=ERASED_EMAIL
    )


@dataclass(frozen=True)
class ActiveSession:
    key: str
    expires_at: datetime


def sessions_active(user) -> list[ActiveSession]:
    """The person's unexpired sessions (every browser or device signed in), latest expiry first.

    Sessions carry the user id only inside their encoded data, so each unexpired session is
    decoded: fine for a union's worth of people, to be replaced by a user column if it grows.
    """
    found = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).order_by("-expire_date"):
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            found.append(ActiveSession(key=session.session_key, expires_at=session.expire_date))
    return found


def hubs_operated_under_contract(user, municipality) -> set[int]:
    """The ids of the hubs of `municipality` that `user` runs today as staff of an operator
    organisation (a cooperative) under its approved contracts in force: no per-comune role needed.

    The comuni's apps (src/hubs/permissions.py) ask it here because src/ reads the public
    schema only through identity and comuni; the rule itself is tenants/operators/access.py.
    """
    return operators_access.contracted_hub_ids(user, municipality)


def is_operator_organisation_staff(user) -> bool:
    """Whether `user` is a member of an operator organisation (a cooperative): the header then
    leads them to the cooperative's console on the union's site."""
    return operators_access.is_organisation_staff(user)


def card_creditor_organisations(municipality) -> list[tuple[int, str, str]]:
    """(id, name, Stripe Connect account) of the cooperatives running hubs of `municipality` under
    an approved contract in force that take card payments: a comune's price may name one as the
    creditor of its card payments (src/payments). The rule is tenants/operators/access.py."""
    return operators_access.payment_organisations(municipality)
