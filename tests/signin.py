"""Signing people in from tests.

Staff (administrators, operators, mobility managers, union staff) sign in through
`sign_in_staff`, so that every test passes whatever the sign-in of staff requires, in one
place. Today that is the password and then the second factor, the real way: the person
gets a confirmed authenticator app (a TOTP device), and a code computed from its key is
posted to the union's second-factor page, as the app's owner would type it.

Citizens are signed in with the password alone (`force_login`): they are never asked.
"""

from django.conf import settings
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.identity.models import User
from tenants.identity.second_factor import RECOVERY_NAME, TOTP_NAME, requires_second_factor

SECOND_FACTOR_PATH = "/account/secondo-fattore/"


def totp_code(device: TOTPDevice, *, step: int | None = None) -> str:
    """The code the app shows for `device` now (or at time step `step`), from its key."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if step is not None:
        totp.drift += step - totp.t()
    return f"{totp.token():0{device.digits}d}"


def unused_totp_code(device: TOTPDevice) -> str | None:
    """A code the device still accepts: now's, or the next step's when now's was used (django-otp
    takes each step once); None when both were (a person would wait 30 seconds)."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now, device.last_t + 1)
    return totp_code(device, step=step) if step <= now + min(device.tolerance, 1) else None


def staff_device(user) -> TOTPDevice:
    """The person's confirmed authenticator app, made as the setup page does when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)


def recovery_code(user) -> str:
    """A fresh recovery code of the person (as if printed at setup)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    return device.token_set.create(token=StaticToken.random_token()).token


def give_second_factor(client, user, code: str | None = None):
    """Post a code to the union's second-factor page; the session is then verified everywhere."""
    if code is None:
        code = unused_totp_code(staff_device(user)) or recovery_code(user)
    data = {"code": code, "next": "/"}
    # A request on the union's host leaves the connection in the public schema: a test running
    # in a comune (tenant_context) goes on in it afterwards.
    tenant = getattr(connection, "tenant", None)
    try:
        if client.handler.enforce_csrf_checks:  # a client that checks CSRF posts the form's token, as a browser does
            client.get(SECOND_FACTOR_PATH, HTTP_HOST=settings.UNION_DOMAIN)
            data["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME].value
        return client.post(SECOND_FACTOR_PATH, data, HTTP_HOST=settings.UNION_DOMAIN)
    finally:
        if tenant is not None:
            connection.set_tenant(tenant)


def sign_in_staff(client, user):
    # The password: force_login, as django-axes checks every authenticate() and needs the request.
    client.force_login(user)
    if not requires_second_factor(User.objects.get(pk=user.pk)):
        return client  # a citizen (browser_login signs everybody in here): no second factor
    response = give_second_factor(client, user)
    assert response.status_code == 302, f"the second factor was refused: {response.status_code}"
    return client


def sign_in(client, user):
    """Anybody: staff with their second factor, citizens with the password alone."""
    return sign_in_staff(client, user)
