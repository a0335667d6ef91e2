"""Demo accounts and data for `make run`. Passwords are random, printed once, and kept under .data/."""

import secrets

from django.conf import settings
from django.utils import timezone

from tenants.comuni.selectors import municipality_list
from tenants.comuni.services import administrator_grant
from tenants.identity.models import Role, User
from tenants.identity.oauth import app_client_register, app_client_summary

CREDENTIALS_FILE = settings.BASE_DIR / ".data" / "demo-credentials.txt"
CITIZEN_EMAIL = "cittadino@example.org"
OPERATOR_EMAIL = "operatore.cesena@example.org"  # the cooperative's operator at Cesena's hub
UNION_STAFF_EMAIL = "staff.unione@example.org"
# The citizens' app, for trying the OAuth flow locally: its production redirect URI, and a
# loopback one (any port, RFC 8252) where a browser shows the code in the address bar.
APP_CLIENT_ID = "hub-app-demo"
APP_REDIRECT_URIS = ["it.unionevallesavio.hub://oauth", "http://127.0.0.1/callback"]
STAFF_NOTE = (
    "Staff accounts (administrators, operators, union staff, the cooperative's staff, the mobility manager) "
    "set up an authenticator app on their first sign-in (a QR code or a key, then ten recovery codes) "
    "and give its code at each sign-in: docs/security.md."
)


def _demo_account(email: str, lines: list[str], note: str = "", **fields) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        password = secrets.token_urlsafe(9)
        # Demo people have confirmed their address (example.org receives no mail): they can book at once.
        user = User.objects.create_user(
            email=email, password=password, email_verified_address=email, email_verified_at=timezone.now(), **fields
        )
        lines.append(f"{email}  {password}" + (f"  ({note})" if note else ""))
    return user


def demo_load(stdout) -> None:
    lines: list[str] = []
    comuni = list(municipality_list())
    cesena = next((m for m in comuni if m.slug == "cesena"), None)
    _demo_account(CITIZEN_EMAIL, lines, first_name="Giulia", last_name="Bianchi", home_municipality=cesena)
    for municipality in comuni:
        email = f"admin.{municipality.slug}@example.org"
        if not User.objects.filter(email=email).exists():
            password = secrets.token_urlsafe(9)
            administrator_grant(municipality=municipality, email=email, password=password)
            lines.append(f"{email}  {password}  (amministratore, {municipality.name})")
    _demo_app_client(lines)
    for loader in demo_loaders():
        loader(comuni=comuni, stdout=stdout)
    _demo_staff(cesena, lines)
    # The cooperative that runs Cesena's and Sarsina's hubs (after the hubs: its contracts name them).
    from tenants.operators.demo import load_operators

    load_operators(comuni=comuni, account=_demo_account, lines=lines, stdout=stdout)
    # Prices in Cesena's hub (after the demo bookings, which stay free, and the cooperative,
    # which takes the meeting room's card payments).
    from src.payments.demo import load_payments

    load_payments(comuni=comuni, stdout=stdout)
    # Firms and agreements (public schema), with a mobility manager among the demo accounts.
    from tenants.firms.demo import load_firms

    load_firms(comuni=comuni, stdout=stdout, account=lambda email, **fields: _demo_account(email, lines, **fields))

    if lines:
        CREDENTIALS_FILE.parent.mkdir(exist_ok=True)
        with CREDENTIALS_FILE.open("a") as file:
            file.write("\n".join([*lines, STAFF_NOTE]) + "\n")
        stdout.write("Demo accounts (shown once; also kept in .data/demo-credentials.txt):")
        for line in lines:
            stdout.write("  " + line)
        stdout.write(STAFF_NOTE)
    else:
        stdout.write(f"Demo accounts already exist: see {CREDENTIALS_FILE.relative_to(settings.BASE_DIR)}")


def _demo_staff(cesena, lines: list[str]) -> None:
    """An operator of Cesena's hub and a member of the union's staff (after the hubs exist)."""
    from src.hubs.demo import demo_operator_assign

    staff = _demo_account(UNION_STAFF_EMAIL, lines, note="staff dell'Unione", first_name="Marco", last_name="Neri")
    Role.objects.get_or_create(user=staff, kind=Role.Kind.UNION_STAFF, municipality=None)
    if cesena is None:
        return
    operator = _demo_account(
        OPERATOR_EMAIL, lines, note=f"operatore dell'hub di {cesena.name}", first_name="Sara", last_name="Fabbri"
    )
    Role.objects.get_or_create(user=operator, kind=Role.Kind.OPERATOR, municipality=cesena)
    demo_operator_assign(municipality=cesena, user=operator)


def _demo_app_client(lines: list[str]) -> None:
    from oauth2_provider.models import get_application_model

    if get_application_model().objects.filter(client_id=APP_CLIENT_ID).exists():
        return
    result = app_client_register(
        name="Hub Valle del Savio (demo)", redirect_uris=APP_REDIRECT_URIS, client_id=APP_CLIENT_ID
    )
    lines.append('App client (OAuth 2.0, see README, "The app"):')
    lines.extend("  " + line for line in app_client_summary(result.application))


def demo_loaders():
    """Each domain app that has demo data adds its loader here."""
    from src.bookings.demo import load_bookings
    from src.desks.demo import load_desks
    from src.events.demo import load_events
    from src.hubs.demo import load_hubs
    from src.sensors.demo import load_sensors

    return [
        load_hubs,
        load_desks,
        load_events,
        load_bookings,
        load_sensors,
    ]  # desks and events go into the hubs, so hubs first
