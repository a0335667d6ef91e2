"""The second factor of staff, and how staff sessions live (docs/security.md, "Staff").

Who: every account that can do more than book, i.e. with a role other than citizen
(comune administrators, operators, mobility managers, union staff) or the superuser and
`is_staff` flags (`requires_second_factor`). Citizens are never asked.

What: an authenticator app (TOTP, django-otp's `TOTPDevice`, one per person) and ten
recovery codes (django-otp's `StaticDevice`, each usable once). The devices live in the
public schema, so one serves every host of the union.

When: `StaffSessionMiddleware` (middleware.py) lets a signed-in staff member's session do
nothing but sign out, sign on and give the second factor until it is given: pages send
them to set the app up (first time) or to type a code, the API answers 403. The second
factor is given on the union's site and carried to the comuni's hosts with the sign-on
ticket (tenants/identity/sso.py), so it is asked once per sign-in, not once per host.

Wrong codes: django-otp's own delays (1, 2, 4 … seconds after each wrong code in a row)
and, past SECOND_FACTOR_FAILURE_LIMIT in a row, a lock until SECOND_FACTOR_COOLOFF after
the last one. The count is in the database, for the account, whatever the host; only a
right code clears it (never a password sign-in, which would let a guesser start over).

Sessions: a staff session ends after STAFF_IDLE_TIMEOUT_MINUTES without a request, and
every session carries a stamp of its person's roles (`role_stamp`): when a role is
granted or revoked, the session gets a new key and staff give the second factor again.
"""

import contextvars
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import django_otp
from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.identity.models import Role, User

RECOVERY_CODES = 10
TOTP_NAME = "app"
RECOVERY_NAME = "recovery"

# Session keys.
SESSION_ROLES = "identity_roles"  # the role stamp the session acts under
SESSION_STAFF = "identity_staff"  # whether its person needs the second factor, for that stamp
SESSION_SEEN = "identity_seen"  # a staff session's last request (epoch seconds, to the minute)
SESSION_NEW_CODES = "identity_recovery_codes"  # recovery codes to show once
SEEN_GRANULARITY = 60  # seconds: the session is written at most once a minute for the idle clock


class SecondFactorRefused(Exception):
    def __init__(self, message: str, *, retry_at: datetime | None = None):
        super().__init__(message)
        self.message = message
        self.retry_at = retry_at


class SecondFactorLocked(SecondFactorRefused):
    """Too many wrong codes in a row: refused without looking at the code until `retry_at`."""


# --- who ------------------------------------------------------------------------------------


def requires_second_factor(user) -> bool:
    """Staff: anyone whose account can do more than book (any role but citizen, an admin flag, or
    membership of a cooperative that runs hubs: they see the front desks' people too)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    if "roles" not in getattr(user, "_prefetched_objects_cache", {}):
        prefetch_related_objects([user], "roles")  # the same read the policy makes, once per request
    if any(role.kind != Role.Kind.CITIZEN for role in user.roles.all()):
        return True
    from tenants.identity.selectors import is_operator_organisation_staff

    return is_operator_organisation_staff(user)


def role_stamp(user) -> str:
    """What the person's powers were last changed at, from the user row alone (no query)."""
    changed = user.roles_changed_at.timestamp() if user.roles_changed_at else 0
    return f"{changed:.6f}:{int(user.is_superuser)}:{int(user.is_staff)}"


# Users whose roles changed during the current request (middleware.py cycles the session key
# of a request that changed its own person's roles).
roles_changed_in_request: contextvars.ContextVar[set | None] = contextvars.ContextVar("roles_changed", default=None)


def roles_touch(*, user_id) -> None:
    """A role of the person was granted or revoked: sessions opened before act under an old stamp."""
    User.objects.filter(pk=user_id).update(roles_changed_at=timezone.now())
    changed = roles_changed_in_request.get()
    if changed is not None:
        changed.add(user_id)


def session_stamp(session, user, *, fresh: bool = False) -> None:
    """Record in `session` the stamp the person's roles have now (`fresh`: read from the database)."""
    if fresh:
        user.roles_changed_at, user.is_superuser, user.is_staff = (
            User.objects.filter(pk=user.pk).values_list("roles_changed_at", "is_superuser", "is_staff").get()
        )
        getattr(user, "_prefetched_objects_cache", {}).pop("roles", None)
    session[SESSION_ROLES] = role_stamp(user)
    session[SESSION_STAFF] = requires_second_factor(user)


def session_is_staff(session, user) -> bool:
    if SESSION_STAFF not in session:
        session[SESSION_STAFF] = requires_second_factor(user)
    return session[SESSION_STAFF]


def session_seen(session, *, now: float | None = None) -> bool:
    """Count a request of a staff session. False when the last one is older than the idle timeout."""
    now = int(now if now is not None else time.time())
    seen = session.get(SESSION_SEEN)
    if seen is not None and now - seen > settings.STAFF_IDLE_TIMEOUT_MINUTES * 60:
        return False
    if seen is None or now - seen >= SEEN_GRANULARITY:
        session[SESSION_SEEN] = now
    return True


def second_factor_login(request, device) -> None:
    """This session gave the second factor with `device`: a new session key, the device recorded."""
    request.session.cycle_key()
    django_otp.login(request, device)
    session_stamp(request.session, request.user, fresh=True)


def carried_device(user, persistent_id: str):
    """The confirmed device of `user` that a sign-on ticket says the other host verified, if it still is one."""
    if not persistent_id:
        return None
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return device


# --- devices --------------------------------------------------------------------------------


def totp_device(user, *, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def totp_device_for_setup(*, user) -> TOTPDevice:
    """The app being set up: the same key until it is confirmed (a reload shows the same QR code)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The key for typing into an app, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def recovery_codes_remaining(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def recovery_codes_create(*, user) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Returned once, to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_reset(*, user) -> None:
    """Forget the person's app and recovery codes (a lost phone): the next sign-in sets a new one up."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()


# --- codes ----------------------------------------------------------------------------------


def normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


def verification_lock(user) -> datetime | None:
    """Until when codes of `user` are refused unread: the lock after too many wrong ones in a
    row, or django-otp's delay after the last one; None when a code may be tried now."""
    devices = list(django_otp.devices_for_user(user, confirmed=None))
    failures = sum(d.throttling_failure_count for d in devices)
    last = max((d.throttling_failure_timestamp for d in devices if d.throttling_failure_timestamp), default=None)
    now = timezone.now()
    if last is not None and failures >= settings.SECOND_FACTOR_FAILURE_LIMIT:
        until = last + settings.SECOND_FACTOR_COOLOFF
        if until > now:
            return until
    waits = [info["locked_until"] for d in devices for allowed, info in [d.verify_is_allowed()] if not allowed]
    return max(waits) if waits else None


def _locked(until: datetime) -> SecondFactorLocked:
    seconds = (until - timezone.now()).total_seconds()
    if seconds <= 60:
        return SecondFactorLocked(
            _("Hai scritto un codice sbagliato: aspetta qualche secondo e riprova."), retry_at=until
        )
    local = timezone.localtime(until)
    return SecondFactorLocked(
        _("Troppi codici sbagliati di seguito: per sicurezza la verifica è bloccata. Riprova dalle %(when)s.")
        % {"when": local.strftime("%H:%M")},
        retry_at=until,
    )


@dataclass
class Checked:
    device: Device
    recovery_code: bool


def second_factor_check(*, user, code: str, device: TOTPDevice | None = None) -> Checked:
    """The device that accepts `code` from `user`: the app's six digits or a recovery code
    (spent). `device` limits it to that one (an app being set up). Raises SecondFactorRefused."""
    until = verification_lock(user)
    if until is not None:
        raise _locked(until)
    code = normalize_code(code)
    recovery = not (device is not None or (code.isdigit() and len(code) == 6))
    candidate = device or (
        StaticDevice.objects.filter(user=user, confirmed=True).first() if recovery else totp_device(user)
    )
    accepted = candidate is not None and django_otp.verify_token(user, candidate.persistent_id, code)
    if accepted:
        # A right code clears every count of the account (the other device's wrong tries too).
        for other in django_otp.devices_for_user(user, confirmed=None):
            if other.throttling_failure_count:
                other.throttle_reset()
        return Checked(device=accepted, recovery_code=recovery)
    until = verification_lock(user)
    if until is not None and (until - timezone.now()).total_seconds() > 60:
        raise _locked(until)
    if recovery:
        raise SecondFactorRefused(_("Questo codice di recupero non è valido o è già stato usato."))
    raise SecondFactorRefused(
        _("Il codice non è giusto. Scrivi le sei cifre che l'app mostra adesso (cambiano ogni 30 secondi).")
    )


@transaction.atomic
def second_factor_confirm(*, user, device: TOTPDevice, code: str) -> list[str]:
    """Set up the app: a right code from it confirms it; other unconfirmed apps are dropped and
    ten recovery codes made (returned once). Raises SecondFactorRefused."""
    second_factor_check(user=user, code=code, device=device)
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_create(user=user)


# --- signals (connected in apps.py) ---------------------------------------------------------


def on_role_changed(sender, instance, **kwargs) -> None:
    roles_touch(user_id=instance.user_id)


def on_signed_in(sender, request, user, **kwargs) -> None:
    """Every sign-in (form, link, SPID/CIE, sign-on ticket): the session starts under today's
    roles, and a staff session's idle clock starts."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session_stamp(session, user, fresh=True)
    session.pop(SESSION_SEEN, None)
    if session[SESSION_STAFF]:
        session_seen(session)
