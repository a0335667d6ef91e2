"""Signed links sent by e-mail: confirm an address, or sign in without the password.

Both are `django.core.signing` tokens (SECRET_KEY, a salt of their own, a timestamp):
nothing is stored. The confirmation link names the address it confirms, so a link sent
to an old address never confirms a new one. The sign-in link carries a fingerprint of
the account's last sign-in and password: signing in changes it, so the link works once.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

VERIFY_SALT = "identity.email-verification"
LOGIN_SALT = "identity.login-link"


@dataclass(frozen=True)
class Opened:
    """What a link opened: the person, or why not (`expired`, `invalid`, `used`)."""

    user: object | None = None
    problem: str = ""


def email_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=VERIFY_SALT)


def email_verification_open(token: str) -> tuple[Opened, str]:
    """The person and the address the link confirms."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        return Opened(problem="expired"), ""
    except signing.BadSignature:
        return Opened(problem="invalid"), ""
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email.lower() != data.get("e"):
        return Opened(problem="invalid"), ""
    return Opened(user=user), data["e"]


def _fingerprint(user) -> str:
    last_login = "" if user.last_login is None else f"{user.last_login.timestamp():.6f}"
    value = f"{user.pk}|{user.password}|{last_login}|{user.email.lower()}"
    return salted_hmac(LOGIN_SALT, value, algorithm="sha256").hexdigest()[:32]


def login_link_token(user) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=LOGIN_SALT)


def login_link_open(token: str) -> Opened:
    try:
        data = signing.loads(token, salt=LOGIN_SALT, max_age=settings.LOGIN_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return Opened(problem="expired")
    except signing.BadSignature:
        return Opened(problem="invalid")
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        return Opened(problem="invalid")
    if not constant_time_compare(_fingerprint(user), str(data.get("f", ""))):
        return Opened(problem="used")
    return Opened(user=user)


def _send(request, *, to: str, subject: str, template: str, **context) -> None:
    body = render_to_string(template, {"site": request.get_host(), **context}, request=request)
    send_mail(subject, body, None, [to])


def send_email_verification(request, user) -> None:
    url = request.build_absolute_uri(reverse("identity:email_verify", args=[email_verification_token(user)]))
    _send(
        request,
        to=user.email,
        subject=_("Conferma il tuo indirizzo e-mail"),
        template="identity/email/verify.txt",
        user=user,
        url=url,
        days=settings.EMAIL_VERIFICATION_MAX_AGE // 86400,
    )


def send_login_link(request, user) -> None:
    url = request.build_absolute_uri(reverse("identity:login_link_open", args=[login_link_token(user)]))
    _send(
        request,
        to=user.email,
        subject=_("Il tuo link per accedere"),
        template="identity/email/login_link.txt",
        user=user,
        url=url,
        minutes=settings.LOGIN_LINK_MAX_AGE // 60,
    )


def send_already_registered(request, user) -> None:
    """Someone tried to sign up with an address that has an account: tell its owner, not the visitor."""
    _send(
        request,
        to=user.email,
        subject=_("Hai già un account"),
        template="identity/email/already_registered.txt",
        user=user,
        login_url=request.build_absolute_uri(reverse("identity:login")),
        login_link_url=request.build_absolute_uri(reverse("identity:login_link")),
        reset_url=request.build_absolute_uri(reverse("identity:password_reset")),
    )
