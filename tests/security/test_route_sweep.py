"""Every route of both URL confs, asked by people who have no business there.

The URL confs are walked (`config.urls_public` on the union's host, `config.urls_tenant` on
Cesena's and Sarsina's hosts), every path parameter is filled with a plausible value (the id
of one of Cesena's rows, the code of another person's booking) and with hostile ones (0, a
number past any integer column, a slug that is not one, a NUL byte), and each path is asked
with GET and POST (a junk or empty body; PUT, PATCH, DELETE where the view has them) by:
nobody signed in, a citizen, a citizen of another comune, and Sarsina's administrator (with
the second factor, tests/signin.py); on the union's host also by the mobility manager of
another firm and the staff of another cooperative. Hostile values, and junk query strings,
are asked by whoever gets deepest on each host (union staff among them, for crashes only).

What must hold, whatever the route:
- never a 500, never a stack trace in the answer;
- under /api/ every refusal is the API's JSON error (`detail`, `code`, `fields`);
- no answer shows another person's data (the owner's name, e-mail, fiscal code, phone, codes,
  her firm, Cesena's hidden hub), and nothing of Cesena shows on Sarsina's host;
- no write changes Cesena's rows or the owner's (one query compares them before the rollback).

Each request runs in a savepoint rolled back afterwards, with the client's cookies put back:
every request meets the same world, whatever the one before did (signed out, erased, deleted).
One request per pattern and identity, not a combinatorial explosion.
"""

import re
import traceback
from dataclasses import dataclass, field
from datetime import time, timedelta
from urllib.parse import quote, unquote, urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.signals import got_request_exception
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import tenant_context

from src.common.time import local_datetime, local_today
from tests.fixtures import UserFactory
from tests.signin import sign_in_staff

UNION, CESENA, SARSINA = "localhost", "cesena.localhost", "sarsina.localhost"

# Another person's data: never shown to anybody in this sweep, on any host.
OWNER_FIRST, OWNER_LAST = "Ermenegilda", "Zappacostanti"
OWNER_EMAIL = "ermenegilda.zappacostanti@example.org"
OWNER_FISCAL_CODE = "RSSMRA85T10A562S"
OWNER_PHONE = "3471234987"
PRIVATE_MARKERS = [
    OWNER_LAST,
    OWNER_EMAIL,
    OWNER_FISCAL_CODE,
    OWNER_PHONE,
    "Richiesta riservata sul bonus energia",  # the appointment's details
    "Hub Nascosto Cesenate",  # an unpublished hub
    "Sala Nascosta Cesenate",
    "Chiusura Nascosta Cesenate",
    "Logistica Marcatrice",  # the firm where the owner is enrolled
    "Convenzione riservata Marcatrice",
    "DOCUMENTO RISERVATO DELLA CONVENZIONE",  # the signed agreement's file
    "Cooperativa Marcatrice",  # a cooperative under contract with Cesena only
]
# Cesena's public rows: fine on Cesena's host and the union's, never on Sarsina's.
CESENA_MARKERS = ["Hub Marcatore Cesenate", "Sportello Marcatore Cesenate", "Evento Marcatore Cesenate"]

STACK_TRACE = re.compile(r"Traceback \(most recent call last\)|File \"/[^\"]+\.py\", line \d+|django\.db\.utils\.")
HUGE = "99999999999999999999"  # past a bigint
# Django's own refusal pages: bare English lines, no layout, no way on.
DJANGO_DEFAULT_PAGE = re.compile(r"Bad Request \(400\)|CSRF verification failed|<h1>Not Found</h1>|Forbidden \(403\)")
MACHINE_PREFIXES = ("/api/", "/o/", "/.well-known/")


@dataclass
class World:
    owner: object
    hub: object
    hidden_hub: object
    space: object
    seat: object
    hidden_space: object
    layout: object
    closure: object
    desk: object
    event: object
    booking: object
    appointment: object
    registration: object
    waitlist: object
    firm: object
    agreement: object
    enrolment: object
    contract: object
    sarsina_hub: object


def _build_cesena(cesena, owner):
    from src.appointments.services import appointment_book
    from src.bookings.models import WaitlistEntry
    from src.bookings.services.booking import booking_create
    from src.desks.models import DeskHours, ServiceDesk
    from src.events.models import Event
    from src.events.services import event_register
    from src.hubs.models import Closure, Hub, Layout, OpeningHours, Seat, Space
    from tests.bookings.conftest import period

    with tenant_context(cesena):
        hub = Hub.objects.create(
            slug="hub-marcatore", name="Hub Marcatore Cesenate", address="Via Roma 1", town="Cesena", is_published=True
        )
        hidden = Hub.objects.create(
            slug="hub-nascosto", name="Hub Nascosto Cesenate", address="Via Nascosta 2", town="Cesena"
        )
        for each in (hub, hidden):
            for weekday in range(7):
                OpeningHours.objects.create(hub=each, weekday=weekday, opens=time(8), closes=time(20))
        space = Space.objects.create(hub=hub, name="Coworking", kind="coworking", capacity=2, bookable_whole=True)
        seat = Seat.objects.create(space=space, label="P1")
        Seat.objects.create(space=space, label="P2")
        hidden_space = Space.objects.create(hub=hidden, name="Sala Nascosta Cesenate", kind="meeting", capacity=4)
        layout = Layout.objects.create(space=hidden_space, name="Allestimento nascosto")
        closure = Closure.objects.create(
            hub=hidden,
            starts_on=local_today() + timedelta(days=30),
            ends_on=local_today() + timedelta(days=31),
            reason="Chiusura Nascosta Cesenate",
        )
        desk = ServiceDesk.objects.create(
            hub=hub,
            kind="sportello_facile",
            name="Sportello Marcatore Cesenate",
            takes_appointments=True,
            slot_minutes=30,
            topics=["Bonus energia"],
        )
        for weekday in range(7):
            DeskHours.objects.create(desk=desk, weekday=weekday, opens=time(9), closes=time(12))
        starts = local_datetime(local_today() + timedelta(days=3), time(17))
        event = Event.objects.create(
            hub=hub,
            title="Evento Marcatore Cesenate",
            kind=Event.Kind.TALK,
            capacity=20,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
        )
        tomorrow = local_today() + timedelta(days=1)
        booking = booking_create(
            person=owner, space=space, seat=seat, period=period(tomorrow, "10:00", "11:00"), channel="web"
        )
        appointment = appointment_book(
            desk=desk,
            start=local_datetime(tomorrow, time(9)),
            topic="Bonus energia",
            details="Richiesta riservata sul bonus energia",
            applicant_name=f"{OWNER_FIRST} {OWNER_LAST}",
            email=OWNER_EMAIL,
            phone=OWNER_PHONE,
            person=owner,
        )
        registration = event_register(event=event, person=owner)
        waitlist = WaitlistEntry.objects.create(person=owner, space=space, period=period(tomorrow, "11:00", "12:00"))
    return dict(
        hub=hub,
        hidden_hub=hidden,
        space=space,
        seat=seat,
        hidden_space=hidden_space,
        layout=layout,
        closure=closure,
        desk=desk,
        event=event,
        booking=booking,
        appointment=appointment,
        registration=registration,
        waitlist=waitlist,
    )


@pytest.fixture
def world(cesena, sarsina, cesena_admin, settings, tmp_path) -> World:
    from tenants.firms.services import manager_grant
    from tenants.operators import services as operators
    from tenants.operators.models import OperatorOrganisation
    from tests.firms.conftest import VAT_A, enrol, make_agreement, make_firm

    settings.FIRMS_PRIVATE_ROOT = tmp_path
    owner = UserFactory(
        first_name=OWNER_FIRST,
        last_name=OWNER_LAST,
        email=OWNER_EMAIL,
        fiscal_code=OWNER_FISCAL_CODE,
        home_municipality=cesena,
    )
    rows = _build_cesena(cesena, owner)
    connection.set_schema_to_public()
    firm = make_firm("Logistica Marcatrice S.p.A.", VAT_A, municipality=cesena)
    agreement = make_agreement(firm, title="Convenzione riservata Marcatrice")
    agreement.document.save("convenzione.pdf", ContentFile(b"%PDF-1.4 DOCUMENTO RISERVATO DELLA CONVENZIONE"))
    enrolment = enrol(firm, owner)
    manager_grant(firm=firm, user=UserFactory(email="mm@marcatrice.example.org"))
    organisation = OperatorOrganisation.objects.create(
        name="Cooperativa Marcatrice", vat_number="02345670406", email="info@marcatrice.example.org"
    )
    operators.staff_add(organisation=organisation, user=UserFactory(email="staff@marcatrice.example.org"))
    contract = operators.contract_create(
        organisation=organisation,
        municipality=cesena,
        hub_ids=[rows["hub"].pk],
        valid_from=local_today() - timedelta(days=30),
    )
    contract = operators.contract_approve(contract=contract, by=cesena_admin)
    # Sarsina has a hub of its own, so its administrator's pages have something to show.
    with tenant_context(sarsina):
        from tests.bookings.conftest import build_hub

        sarsina_hub = build_hub("hub-sarsina")
    connection.set_schema_to_public()
    return World(
        owner=owner,
        firm=firm,
        agreement=agreement,
        enrolment=enrolment,
        contract=contract,
        sarsina_hub=sarsina_hub,
        **rows,
    )


def fingerprint(world: World) -> list:
    """Cesena's rows and the owner's, as they are now: one query (a POST must change none of them)."""
    cesena_rows = ["booking", "appointment", "registration", "waitlist", "hub", "hidden_hub", "space", "seat"]
    cesena_rows += ["desk", "event", "closure", "layout"]
    rows = [("cesena", getattr(world, name)) for name in cesena_rows]
    rows += [("public", getattr(world, name)) for name in ("owner", "firm", "agreement", "enrolment", "contract")]
    selects = [
        f'(SELECT row_to_json(t)::text FROM "{schema}"."{row._meta.db_table}" t WHERE t.id = %s)'
        for schema, row in rows
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ARRAY[{', '.join(selects)}]", [row.pk for _schema, row in rows])
        return cursor.fetchone()[0]


# --- Walking the URL confs ---------------------------------------------------------------


@dataclass
class Route:
    urlconf: str
    pieces: list  # the patterns from the root down to the view
    callback: object

    @property
    def text(self) -> str:
        return "".join(str(p.pattern) for p in self.pieces)


def routes(urlconf: str) -> list[Route]:
    found = []

    def walk(patterns, pieces):
        for each in patterns:
            if isinstance(each, URLResolver):
                walk(each.url_patterns, [*pieces, each])
            elif isinstance(each, URLPattern):
                found.append(Route(urlconf, [*pieces, each], each.callback))

    walk(get_resolver(urlconf).url_patterns, [])
    return found


def _group_end(regex: str, start: int) -> int:
    """The index just past the group opened at `start` (balanced parentheses, escapes skipped)."""
    depth, i = 0, start
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(regex)


def _slots(piece) -> list[tuple[str, str, str]]:
    """(name, regex of the value, text to replace) for each parameter of one pattern."""
    pattern = piece.pattern
    if hasattr(pattern, "_route"):  # path(): <converter:name>
        slots = []
        for match in re.finditer(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>", pattern._route):
            converter = pattern.converters[match["name"]]
            slots.append((match["name"], converter.regex, match.group(0)))
        return slots
    regex = pattern._regex
    slots = []
    for match in re.finditer(r"\(\?P<(?P<name>\w+)>", regex):
        end = _group_end(regex, match.start())
        slots.append((match["name"], regex[match.end() : end - 1], regex[match.start() : end]))
    return slots


def _literal(piece) -> str:
    pattern = piece.pattern
    if hasattr(pattern, "_route"):
        return pattern._route
    text = pattern._regex
    if text.startswith("^"):
        text = text[1:]
    if text.endswith("$"):
        text = text[:-1]
    # Escaped parentheses are literal (SensorThings' `Things(1)`): kept apart until the check below.
    return text.replace("\\.", ".").replace("\\-", "-").replace("\\(", "\x01").replace("\\)", "\x02")


def build(route: Route, values: dict) -> str | None:
    """The path of `route` with each parameter set from `values` (name → candidates, the first
    that the parameter accepts wins); None when a parameter accepts none of them."""
    path = ""
    for piece in route.pieces:
        text = _literal(piece)
        for name, regex, placeholder in _slots(piece):
            candidates = values.get(name) or ["1"]
            chosen = next((v for v in candidates if re.fullmatch(regex, v)), None)
            if chosen is None:
                alternatives = [a for a in regex.split("|") if re.fullmatch(r"[\w-]+", a)]
                chosen = alternatives[0] if alternatives else None
            if chosen is None:
                return None
            if hasattr(piece.pattern, "_route"):
                text = text.replace(placeholder, quote(chosen, safe=""), 1)
            else:
                text = text.replace(placeholder.replace("\\.", ".").replace("\\-", "-"), quote(chosen, safe=""), 1)
        path += text
    path = "/" + path
    if re.search(r"[\^$()\[\]*+?\\|{}]", path):
        return None  # a regex left that this sweep cannot fill
    path = path.replace("\x01", "(").replace("\x02", ")")
    try:
        match = resolve(unquote(path), urlconf=route.urlconf)
    except Resolver404:
        return None
    return path if match.func is route.callback else None


def plausible(world: World, route: Route) -> dict:
    """Values a curious person would try: Cesena's rows, the owner's codes."""
    text = route.text
    pk_of = [
        ("contratti", world.contract.pk),
        ("event", world.event.pk),
        ("eventi", world.event.pk),
        ("waitlist", world.waitlist.pk),
        ("lista-attesa", world.waitlist.pk),
        ("spaces", world.hidden_space.pk),
        ("seats", world.seat.pk),
        ("layout-schedules", world.layout.pk),
        ("layouts", world.layout.pk),
        ("closures", world.closure.pk),
        ("desks", world.desk.pk),
        ("hubs", world.hidden_hub.pk),
    ]
    pk = next((str(value) for key, value in pk_of if key in text), str(world.booking.pk))
    is_appointment = "appuntamenti" in text or "appointments" in text
    code = world.appointment.code if is_appointment else world.booking.code
    return {
        "pk": [pk],
        "hub_pk": [str(world.hidden_hub.pk)],
        "desk_pk": [str(world.desk.pk)],
        "registration_pk": [str(world.registration.pk)],
        "firm_id": [str(world.firm.pk)],
        "enrolment_id": [str(world.enrolment.pk)],
        "agreement_id": [str(world.agreement.pk)],
        "object_id": [str(world.booking.pk)],
        "content_type_id": ["1"],
        "code": [code],
        "reference": ["PAGAM3NT"],  # an order reference nobody holds here
        "hub_slug": ["hub-marcatore"],
        "slug": ["hub-nascosto"],
        "token": ["eyJub3QiOiJhIHRva2VuIn0.forged"],
        "uidb64": [urlsafe_base64_encode(force_bytes(world.owner.pk))],
        "page": ["privacy"],
        "key": ["comuni"],  # a table of the dashboards, so its CSV is written
        "month": [local_today().strftime("%Y-%m")],
        "url": ["non-esiste/"],
    }


HOSTILE = [
    # each a set of values tried together; a parameter takes the first it accepts
    ["0", "ZZZZZZZZ", "0-0"],
    [HUGE, "2025-13", "AAAAAAAAA"],
    ["\x00", "x" * 300, "-1"],
    ["' OR 1=1--", "hub-nascosto"],
]


# Query strings a probe adds to any page: numbers past any column, impossible dates, a NUL
# byte, a return address elsewhere. Two sets, so a first refusal does not hide the rest.
JUNK_QUERIES = [
    {
        "hub": HUGE,
        "space": "-1",
        "seat": "abc",
        "desk": "0",
        "page": "abc",
        "limit": "-5",
        "offset": HUGE,
        "days": HUGE,
        "next": "https://altrove.example/",
    },
    {
        "date": "2025-02-30",
        "day": "\x00",
        "week": "2025-W99",
        "month": "2025-13",
        "start": "ieri",
        "end": "9999-12-31T25:00",
        "q": "' OR 1=1--\x00",
        "code": "\x00",
        "allestimento": "abc",
        "format": "xml",
    },
]


def hostile(route: Route, index: int) -> dict:
    return {name: HOSTILE[index] for piece in route.pieces for name, _regex, _p in _slots(piece)}


def has_parameters(route: Route) -> bool:
    return any(_slots(piece) for piece in route.pieces)


def accepts_post(route: Route) -> bool | None:
    """Whether the view takes POST, when its class says so; None for a function (ask and see)."""
    actions = getattr(route.callback, "actions", None)  # a DRF viewset: method → action
    if actions is not None:
        return "post" in actions
    view_class = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    return None


def other_writes(route: Route) -> list[str]:
    """PUT, PATCH and DELETE, where the view's class declares them."""
    actions = getattr(route.callback, "actions", None)
    view_class = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
    if actions is not None:
        return [m.upper() for m in ("put", "patch", "delete") if m in actions]
    if view_class is not None:
        return [m.upper() for m in ("put", "patch", "delete") if hasattr(view_class, m)]
    return []


# The admin's own routes (index, sign-in, the catch-all) are asked by everybody; a model's pages,
# behind the same door, by nobody signed in and by Sarsina's administrator (the one let in).
ADMIN_DOOR = {"admin/", "admin/login/", "admin/logout/", "admin/(?P<url>.*)$"}


STOCK_ADMIN_VIEWS = {"changelist_view", "add_view", "change_view", "delete_view", "history_view", "view"}


def is_admin_model_page(route: Route) -> bool:
    return route.text.startswith("admin/") and route.text not in ADMIN_DOOR


# --- Who asks ------------------------------------------------------------------------------


@dataclass
class Identity:
    name: str
    user: object = None
    client: Client = None
    is_admin: bool = False
    sees_all: bool = False  # union staff: may see every comune's rows; swept for crashes only

    def sign_in(self):
        self.client = Client(raise_request_exception=False)
        if self.user is not None:
            sign_in_staff(self.client, self.user)
        return self


@dataclass
class Cast:
    anonymous: Identity
    citizen: Identity
    other_citizen: Identity
    admin: Identity  # Sarsina's administrator
    manager: Identity  # the mobility manager of another firm
    coop: Identity  # the staff of another cooperative, running Sarsina's hub
    union_staff: Identity

    @property
    def four(self) -> list[Identity]:
        return [self.anonymous, self.citizen, self.other_citizen, self.admin]


@pytest.fixture
def identities(world, cesena, sarsina, sarsina_admin, union_staff) -> Cast:
    from tenants.firms.services import manager_grant
    from tenants.operators import services as operators
    from tenants.operators.models import OperatorOrganisation
    from tests.firms.conftest import SARSINA as SARSINA_ISTAT
    from tests.firms.conftest import VAT_B, make_agreement, make_firm

    other_firm = make_firm("Altra Impresa S.r.l.", VAT_B, municipality=sarsina, sites=(("Sede", SARSINA_ISTAT),))
    make_agreement(other_firm)
    manager = UserFactory(email="mm@altraimpresa.example.org")
    manager_grant(firm=other_firm, user=manager)
    organisation = OperatorOrganisation.objects.create(
        name="Altra Cooperativa", vat_number="06363391001", email="info@altra.example.org"
    )
    coop = UserFactory(email="staff@altra.example.org")
    operators.staff_add(organisation=organisation, user=coop)
    contract = operators.contract_create(
        organisation=organisation,
        municipality=sarsina,
        hub_ids=[world.sarsina_hub.pk],
        valid_from=local_today() - timedelta(days=30),
    )
    operators.contract_approve(contract=contract, by=sarsina_admin)
    return Cast(
        anonymous=Identity("anonimo").sign_in(),
        citizen=Identity("cittadino", UserFactory(first_name="Bruno", home_municipality=cesena)).sign_in(),
        other_citizen=Identity(
            "cittadino di Sarsina", UserFactory(first_name="Carla", home_municipality=sarsina)
        ).sign_in(),
        admin=Identity("amministratore di Sarsina", sarsina_admin, is_admin=True).sign_in(),
        manager=Identity("mobility manager di un'altra azienda", manager).sign_in(),
        coop=Identity("staff di un'altra cooperativa", coop).sign_in(),
        union_staff=Identity("staff dell'Unione", union_staff, sees_all=True).sign_in(),
    )


@dataclass
class Sweep:
    world: World
    codes: tuple = ()
    before: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    requests: int = 0
    last_exception: str = ""

    def ask(self, identity: Identity, host: str, method: str, path: str, *, junk: bool = True):
        """One request; the database, the sessions and the client's cookies are put back afterwards,
        so every request meets the same world (a sign-out, an erasure or a deletion included)."""
        from django.core.cache import caches

        caches["throttle"].clear()  # one request per pattern: rates are not what is swept here
        caches["sessions"].clear()  # sessions are read from the database, which is rolled back below
        cookies = identity.client.cookies
        identity.client.cookies = type(cookies)(cookies)
        self.last_exception = ""
        savepoint = transaction.savepoint()
        try:
            if method == "GET":
                response = identity.client.get(path, HTTP_HOST=host)
            elif method in ("PUT", "PATCH", "DELETE"):
                body = '{"name": "x", "state": "cancelled", "is_published": true}'
                send = getattr(identity.client, method.lower())
                response = send(path, body, content_type="application/json", HTTP_HOST=host)
            elif path.startswith(("/api/", "/o/")):
                body = '{"junk": "x", "start": "ieri", "space": "tutte"}' if junk else ""
                response = identity.client.post(path, body, content_type="application/json", HTTP_HOST=host)
            else:
                form = {"junk": "x", "code": "x", "email": "x", "next": "//altrove.example"} if junk else {}
                response = identity.client.post(path, form, HTTP_HOST=host)
            try:
                after = fingerprint(self.world) if method != "GET" else self.before
            except DatabaseError as error:  # a view swallowed a database error and answered anyway
                after = [f"transaction broken: {error.__class__.__name__}"]
        finally:
            transaction.savepoint_rollback(savepoint)
            connection.set_schema_to_public()
            identity.client.cookies = cookies
        self.requests += 1
        if after != self.before:
            changed = [(b, a) for b, a in zip(self.before, after) if b != a]
            self.failures.append(f"{method} {host}{path} as {identity.name} changed: {changed}")
        self.check(identity, host, method, path, response)
        return response

    def check(self, identity: Identity, host: str, method: str, path: str, response):
        where = f"{method} {host}{path} as {identity.name} → {response.status_code}"
        kind = response.get("Content-Type", "")
        deliberate = response.status_code == 503 and kind.startswith("application/json")
        if response.status_code >= 500 and not deliberate:  # a 503 that says why (push not set up) is an answer
            self.failures.append(f"{where}\n{self.last_exception or response.content[:300]!r}")
            return
        content = b"" if getattr(response, "streaming", False) else response.content
        text = content.decode("utf-8", "replace")
        if STACK_TRACE.search(text):
            self.failures.append(f"{where}: a stack trace in the answer")
        if 400 <= response.status_code < 500 and not path.startswith(MACHINE_PREFIXES):
            if DJANGO_DEFAULT_PAGE.search(text):
                self.failures.append(f"{where}: Django's English page, not ours")
            if response.status_code == 405 and not text.strip():
                self.failures.append(f"{where}: an empty page")
        if path.startswith("/api/") and response.status_code >= 400:
            if not kind.startswith("application/json"):
                self.failures.append(f"{where}: not JSON under /api/ ({kind})")
            else:
                body = response.json()
                if not (isinstance(body, dict) and body.get("detail") and body.get("code") and "fields" in body):
                    self.failures.append(f"{where}: not the API's error body: {text[:200]}")
        if identity.sees_all:
            return
        asked, lowered = unquote(path).lower(), text.lower()
        markers = [*PRIVATE_MARKERS, *self.codes, *(CESENA_MARKERS if host == SARSINA else [])]
        for marker in markers:
            if marker.lower() in lowered and marker.lower() not in asked:
                self.failures.append(f"{where}: shows {marker!r}")


@pytest.fixture
def sweep(world):
    import logging

    quiet = logging.getLogger("django.request")
    level, quiet.level = quiet.level, logging.CRITICAL  # thousands of 4xx: the failures say what matters
    found = Sweep(world, codes=(world.booking.code, world.appointment.code), before=fingerprint(world))

    def remember(sender, request=None, **kwargs):
        found.last_exception = traceback.format_exc(limit=-6)

    got_request_exception.connect(remember, weak=False)
    yield found
    got_request_exception.disconnect(remember)
    quiet.level = level


def test_the_sweep_sees_what_it_looks_for(world, sweep, sarsina_admin):
    """The sweep's eyes work: the owner's own profile shows her, Cesena's hub list shows its hub."""
    owner = Identity("titolare", world.owner).sign_in()
    anonymous = Identity("anonimo").sign_in()
    assert sweep.ask(owner, UNION, "GET", "/account/profilo/").status_code == 200
    cesena_hubs = sweep.ask(anonymous, CESENA, "GET", "/hub/")
    assert cesena_hubs.status_code == 200 and not any("/hub/" in failure for failure in sweep.failures)
    sweep.check(anonymous, SARSINA, "GET", "/hub/", cesena_hubs)  # the same page, as if Sarsina had sent it
    admin = Identity("amministratore di Sarsina", sarsina_admin, is_admin=True).sign_in()
    assert sweep.ask(admin, SARSINA, "GET", "/admin/").status_code == 200  # signed in, second factor given
    sweep.ask(owner, CESENA, "POST", f"/prenotazioni/{world.booking.code}/annulla/")  # her own: allowed
    seen = "\n".join(sweep.failures)
    assert f"POST cesena.localhost/prenotazioni/{world.booking.code}/annulla/ as titolare changed" in seen
    assert f"shows {OWNER_LAST!r}" in seen and f"shows {OWNER_EMAIL!r}" in seen
    assert "sarsina.localhost/hub/ as anonimo → 200: shows 'Hub Marcatore Cesenate'" in seen


HOSTS = {UNION: "config.urls_public", CESENA: "config.urls_tenant", SARSINA: "config.urls_tenant"}


@pytest.mark.parametrize("host", list(HOSTS))
def test_every_route_refuses_what_it_must(world, identities, sweep, host):
    """Every route, as the four people of the brief (and, where their pages are, the staff of
    another firm and of another cooperative); then hostile values as whoever gets deepest."""
    all_routes = routes(HOSTS[host])
    assert len(all_routes) > 60, "the walk found the URL conf's routes"
    cast = identities
    everybody = {
        UNION: [*cast.four, cast.manager, cast.coop],
        CESENA: [*cast.four, cast.coop],
        SARSINA: cast.four,
    }[host]
    deepest = {
        UNION: [cast.admin, cast.manager, cast.coop, cast.union_staff],
        CESENA: [cast.citizen],
        SARSINA: [cast.admin, cast.coop],
    }[host]
    unfilled = []
    for index, route in enumerate(all_routes):
        path = build(route, plausible(world, route))
        if path is None:
            unfilled.append(route.text)
            continue
        post = accepts_post(route)
        admin_page = is_admin_model_page(route)
        askers = [cast.anonymous, cast.admin] if admin_page else everybody
        for identity in askers:
            sweep.ask(identity, host, "GET", path)
            if post is not False and (identity.is_admin or not admin_page):
                if sweep.ask(identity, host, "POST", path).status_code == 405:
                    post = False
        if post is False and path.startswith("/api/"):
            sweep.ask(cast.anonymous, host, "POST", path)  # the 405 too is the API's JSON error
        for method in other_writes(route):
            for identity in (cast.citizen, cast.admin):
                sweep.ask(identity, host, method, path)
        # Hostile values, as those who get deepest on this host (in the admin, Sarsina's
        # administrator): junk in the query string (one of the two sets), then each odd path
        # parameter once, GET and POST in turn.
        odd_paths = [p for i in range(len(HOSTILE)) if (p := build(route, hostile(route, i))) not in (None, path)]
        odd_paths = list(dict.fromkeys(odd_paths))
        if admin_page and route.callback.__name__ in STOCK_ADMIN_VIEWS:
            odd_paths = odd_paths[:1]  # Django's own pages: one odd id is enough to see they hold
        query = JUNK_QUERIES[index % len(JUNK_QUERIES)]
        sweep.ask(cast.admin if admin_page else deepest[0], host, "GET", f"{path}?{urlencode(query)}")
        for identity in [cast.admin] if admin_page else deepest:
            for number, odd in enumerate(odd_paths):
                sweep.ask(identity, host, "GET" if number % 2 == 0 or post is False else "POST", odd, junk=False)
    assert not unfilled, f"routes this sweep could not fill: {unfilled}"
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.requests} requests:\n" + "\n\n".join(
        sweep.failures[:60]
    )


# --- The query parameters the pages read, with values past every range ----------------------

# The names the views, filters, forms and serializers read from the query string: a grep of
# `request.GET`, `query_params`, `params.get(` and the forms and serializers bound to GET in src/
# and tenants/ (reporting filters, bookings' and appointments' day pickers, payments' month,
# firms' year, the hub directory, the API's date/slot/availability queries, SensorThings' $top),
# the admin's changelist (search, page, order, date hierarchy, related filters), plus the
# pagination and return-address names any page might grow.
READ_NAMES = [
    *("data", "periodo", "comune", "hub", "giorno", "dal", "mese", "anno", "settimana", "da", "a"),
    *("date", "day", "days", "week", "month", "year", "from", "to", "start", "end", "time"),
    *("sala", "sportello", "allestimento", "codice", "code", "formato", "solo", "esito", "servizio"),
    *("aperto", "metodo", "state", "order", "seq", "count", "space", "seat", "desk", "desk_kind"),
    *("open_now", "page", "limit", "offset", "$top", "$skip", "q", "next", "p", "o", "e"),
    *("hub__id__exact", "starts_on__year", "starts_on__month", "starts_at__year", "date__year", "actor"),
    *("starts_at__month", "date__month", "at__year", "at__month"),
]
BEYOND = [
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "9999-12",  # a month, as ?mese= reads it
    "-1",
    "0",
    HUGE,
    "1e400",
    "NaN",
    "\x00",
    "x" * 5000,
    f"cesena:{HUGE}",
    "²",  # a digit to str.isdigit(), not to int()
]
# Pages that switch on a period kind read the date with it: each date past the range goes with
# a kind (the 500 of 9999-12-31 was a day's), the other values with the kind itself.
KIND_OF = {"9999-12-31": "day", "0001-01-01": "week", "9999-12": "month"}


# Routes that read none of these names and take half a second each (the OpenAPI schema is
# generated anew): the two mixed query strings are enough.
SLOW_AND_DEAF = {"api/schema/"}


def answers_get(route: Route) -> bool:
    actions = getattr(route.callback, "actions", None)
    view_class = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
    if actions is not None:
        return "get" in actions
    return view_class is None or hasattr(view_class, "get")


# What the deepest identity sends everywhere, one query string each (every name set to it): a
# value of each kind that broke something. The rest of BEYOND reaches every route through the
# mixed query strings, which keep the sweep's time down.
DEEP = ["9999-12-31", "0001-01-01", "9999-12", "-1", HUGE, "1e400", "\x00", "²", f"cesena:{HUGE}"]


def beyond_queries() -> list[str]:
    """One query string per hostile value of DEEP: every name read set to it."""
    queries = []
    for value in DEEP:
        queries.append(urlencode({**dict.fromkeys(READ_NAMES, value), "periodo": KIND_OF.get(value, value)}))
    return queries


def mixed_queries() -> list[str]:
    """Two query strings with every hostile value spread over the names (for nobody signed in,
    who mostly meets the sign-in page: the deepest identity gets each value everywhere)."""
    return [
        urlencode({name: BEYOND[(i + shift) % len(BEYOND)] for i, name in enumerate(READ_NAMES)})
        for shift in (0, len(BEYOND) // 2)
    ]


@pytest.mark.parametrize("host", [UNION, CESENA])
def test_no_query_parameter_a_page_reads_is_a_500(world, sweep, host, cesena_admin, union_staff):
    """Every GET route, with every query parameter name the project reads set past its range
    (dates of year 1 and 9999, numbers past a bigint, NaN, a NUL byte, 5000 characters), as
    nobody and as whoever gets deepest: union staff on the union's host, Cesena's administrator
    on Cesena's. Never a 500 nor a stack trace; under /api/ the API's JSON error."""
    deepest = Identity("staff dell'Unione", union_staff, sees_all=True) if host == UNION else None
    deepest = deepest or Identity("amministratore di Cesena", cesena_admin, is_admin=True, sees_all=True)
    mixed = mixed_queries()
    askers = [(deepest.sign_in(), beyond_queries() + mixed), (Identity("anonimo", sees_all=True).sign_in(), mixed)]
    asked = 0
    for route in routes(HOSTS[host]):
        path = build(route, plausible(world, route))
        if path is None or not answers_get(route):
            continue
        if is_admin_model_page(route) and route.callback.__name__ != "changelist_view":
            continue  # a model's other pages read no query string of ours
        for identity, queries in askers:
            if route.text in SLOW_AND_DEAF:
                queries = mixed_queries()
            for query in queries:
                sweep.ask(identity, host, "GET", f"{path}?{query}")
                asked += 1
    assert asked > 500, "the walk reached the routes"
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.requests} requests:\n" + "\n\n".join(
        sweep.failures[:40]
    )
