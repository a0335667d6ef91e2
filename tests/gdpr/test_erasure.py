"""Erasing an account: nothing in any schema names the person any more, the rows and the
statistics stay, future places are freed, and nobody erases someone else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from src.appointments.models import Appointment
from src.bookings.models import Booking, BookingTransition, WaitlistEntry
from src.events.jobs import event_places_refill_all
from src.events.models import EventRegistration
from src.hubs.models import HubOperator
from tenants.account.erasure import HANDLED, STATEMENTS, ErasureRefused, account_erase
from tenants.identity.models import PersonalSettings, Role, User
from tenants.identity.selectors import ERASED_EMAIL
from tenants.reporting.catalogue import MODELS
from tenants.reporting.models import CommuteProfile
from tenants.reporting.periods import Period
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.selectors import ReportQuery, report_build
from tests.conftest import host_client, page_text
from tests.gdpr.conftest import OTHERS, PERSONAL, find_values, past_day

SCHEMAS = ("public", "cesena", "sarsina")


def _totals() -> dict:
    """What the union's dashboard shows for the month of the past activity (live SQL)."""
    report = report_build(
        ReportQuery(comuni=comune_schemas(), period=Period.containing("month", past_day()), mode="live")
    )
    people = report["people"]["union"]["current"]
    return {
        "summary": report["summary"],
        "trend": report["trend"],
        "hours": report["hours"],
        "desks": report["desks"],
        "events": report["events"],
        "people": people["people"],
    }


def _erase_through_the_page(life, host="cesena.localhost"):
    client = host_client(host, life.person)
    response = client.post(
        "/account/i-miei-dati/cancella-account/", {"secret": "una-password-lunga-1", "understood": "on"}
    )
    assert response.status_code == 302, page_text(response)
    return client, response


def test_after_erasure_no_schema_holds_the_persons_name_email_phone_or_fiscal_code(life):
    assert find_values(PERSONAL, SCHEMAS)  # the walk finds them before
    host_client("localhost", life.person).get("/account/")  # and a session of hers
    before = _totals()

    _erase_through_the_page(life)

    assert find_values(PERSONAL, SCHEMAS) == []
    assert not User.objects.filter(pk=life.person.pk).exists()
    # Ottavio is untouched, everywhere.
    assert {value for *_where, value in find_values(OTHERS, SCHEMAS)} == set(OTHERS)
    # The union's figures for the past month are the same, to the unit.
    assert _totals() == before


def test_rows_stay_without_the_person_and_future_places_are_freed(life, django_capture_on_commit_callbacks):
    person_id = life.person.pk
    account_erase(user=life.person)
    erased = User.objects.get(email=ERASED_EMAIL)
    assert not erased.is_active and not erased.has_usable_password()
    with tenant_context(life.person.home_municipality):  # Cesena
        past = Booking.objects.get(code=life.codes["cesena_past"])
        assert (past.person_id, past.state, past.created_by_id) == (erased.pk, "completed", None)
        future = Booking.objects.get(code=life.codes["cesena_future"])
        assert (future.person_id, future.state) == (erased.pk, "cancelled")
        last = future.transitions.last()
        assert (last.from_state, last.to_state, last.actor_id, last.channel) == (
            "confirmed",
            "cancelled",
            None,
            "system",
        )
        assert not BookingTransition.objects.filter(actor_id=person_id).exists()
        assert set(past.transitions.values_list("note", flat=True)) == {""}  # an operator's notes may name her
        assert BookingTransition.objects.get(booking__code=life.other_codes["cesena_past"]).note == "arrivata puntuale"
        entry = WaitlistEntry.objects.get(pk=life.codes["waitlist"])
        assert (entry.person_id, entry.state) == (erased.pk, "cancelled")
        old = Appointment.objects.get(code=life.codes["appointment_past"])
        assert (old.person_id, old.state, old.applicant_name, old.email, old.phone, old.fiscal_code, old.details) == (
            None,
            "attended",
            Appointment.ANONYMISED,
            "",
            "",
            "",
            "",
        )
        assert Appointment.objects.get(code=life.codes["appointment_future"]).state == "cancelled"
        assert not HubOperator.objects.filter(user_id=person_id).exists()
        # Ottavio's booking, appointment and the rest are as they were.
        assert Booking.objects.get(code=life.other_codes["cesena_future"]).person_id == life.other.pk
        theirs = Appointment.objects.get(code=life.other_codes["appointment_past"])
        assert (theirs.person_id, theirs.applicant_name) == (life.other.pk, "Ottavio Pennacchi")
    with tenant_context(life.other.home_municipality):  # Sarsina
        mine = EventRegistration.objects.get(pk=life.codes["event"])
        assert (mine.person_id, mine.state) == (None, "cancelled")
        assert EventRegistration.objects.filter(person__isnull=True, state="attended").count() == 1
        # The next round of the jobs gives her place to Ottavio, who was waiting.
        assert event_places_refill_all() == 1
        assert EventRegistration.objects.get(pk=life.other_codes["event"]).state == "registered"
    connection.set_schema_to_public()
    assert not Role.objects.filter(user_id=person_id).exists()
    assert not CommuteProfile.objects.filter(user_id=person_id).exists()
    assert not PersonalSettings.objects.filter(user_id=person_id).exists()


def test_one_statement_per_table_for_every_comune(life):
    with CaptureQueriesContext(connection) as queries:
        account_erase(user=life.person)
    across = [q["sql"] for q in queries if q["sql"].lstrip().startswith("WITH")]
    assert len(across) == len(STATEMENTS)
    assert all('"cesena".' in sql and '"sarsina".' in sql for sql in across)


def test_every_foreign_key_to_people_in_a_comune_is_taken_care_of(cesena):
    """A new comune table that refers to people must be added to the erasure (and the export)."""
    columns = {
        (model._meta.db_table, model._meta.get_field(field).column): (name, field)
        for name, model in MODELS.items()
        for field in [f.name for f in model._meta.concrete_fields]
    }
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT cl.relname, a.attname
            FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY(con.conkey)
            WHERE con.contype = 'f' AND con.confrelid = 'public.identity_user'::regclass AND n.nspname = 'cesena'
            """
        )
        in_database = {columns.get(row, row) for row in cursor.fetchall()}
    assert in_database == HANDLED


def test_the_wrong_password_erases_nothing(life):
    client = host_client("localhost", life.person)
    response = client.post("/account/i-miei-dati/cancella-account/", {"secret": "sbagliata", "understood": "on"})
    assert response.status_code == 400 and "La password non è corretta" in page_text(response)
    response = client.post("/account/i-miei-dati/cancella-account/", {"secret": "una-password-lunga-1"})
    assert response.status_code == 400
    assert User.objects.filter(pk=life.person.pk).exists()
    assert client.get("/account/").status_code == 200  # still signed in


def test_one_person_cannot_erase_another(life):
    # Ottavio confirms with his own password: only his own account goes, whatever he sends.
    client = host_client("sarsina.localhost", life.other)
    response = client.post(
        "/account/i-miei-dati/cancella-account/",
        {"secret": "una-password-lunga-1", "understood": "on", "person": life.person.pk, "user": life.person.pk},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=life.other.pk).exists()
    assert User.objects.get(pk=life.person.pk).email == life.person.email
    with tenant_context(life.person.home_municipality):
        assert Booking.objects.get(code=life.codes["cesena_past"]).person_id == life.person.pk
        assert Appointment.objects.get(code=life.codes["appointment_past"]).applicant_name == "Zoraide Quagliarella"
    # And her password does not open his erasure: the form asks for the signed-in person's own.
    connection.set_schema_to_public()
    mine = host_client("localhost", life.person)
    assert mine.post("/account/i-miei-dati/cancella-account/", {"secret": "x", "understood": "on"}).status_code == 400


def test_an_account_without_password_confirms_with_its_email(life):
    life.person.set_unusable_password()
    life.person.save()
    client = host_client("localhost", life.person)
    page = page_text(client.get("/account/i-miei-dati/cancella-account/"))
    assert "Il tuo indirizzo e-mail" in page
    wrong = client.post("/account/i-miei-dati/cancella-account/", {"secret": "altro@example.org", "understood": "on"})
    assert wrong.status_code == 400
    right = client.post(
        "/account/i-miei-dati/cancella-account/", {"secret": life.person.email.upper(), "understood": "on"}
    )
    assert right.status_code == 302
    assert not User.objects.filter(pk=life.person.pk).exists()


def test_the_session_ends_and_the_page_says_so(life):
    client, response = _erase_through_the_page(life, host="localhost")
    assert response["Location"] == "/"
    assert "Il tuo account è stato cancellato" in page_text(client.get("/"))
    assert client.get("/account/").status_code == 302


def test_erased_people_share_one_account_and_a_second_erasure_works(life):
    account_erase(user=life.person)
    account_erase(user=life.other)
    erased = User.objects.get(email=ERASED_EMAIL)
    with tenant_context(life.other.home_municipality):
        # Both attended the same event: their registrations stay, with nobody on them.
        assert EventRegistration.objects.filter(person__isnull=True, state="attended").count() == 2
        assert set(Booking.objects.filter(code__in=["ZSPAST01", "OSPAST01"]).values_list("person_id", flat=True)) == {
            erased.pk
        }
    with pytest.raises(ErasureRefused):
        account_erase(user=erased)


def test_a_superuser_is_not_erased_from_the_personal_area(life):
    life.person.is_superuser = True
    life.person.save()
    with pytest.raises(ErasureRefused):
        account_erase(user=life.person)
    assert User.objects.filter(pk=life.person.pk).exists()


def test_operators_still_see_the_event_with_an_erased_person(life):
    account_erase(user=life.person)
    sarsina = life.other.home_municipality
    with tenant_context(sarsina):
        event = EventRegistration.objects.get(pk=life.other_codes["event"]).event
        past = EventRegistration.objects.filter(person__isnull=True, state="attended").get().event
    admin = User.objects.create_user(email="admin.sarsina@example.org", password="x-Password-1")
    Role.objects.create(user=admin, kind=Role.Kind.ADMINISTRATOR, municipality=sarsina)
    client = host_client("sarsina.localhost", admin)
    attendees = client.get(f"/api/v1/events/{past.pk}/registrations/").json()
    assert {(a["name"], a["email"]) for a in attendees} >= {(None, None), ("Ottavio Pennacchi", life.other.email)}
    page = page_text(client.get(f"/eventi/{past.pk}/presenze/"))
    assert "Utente cancellato" in page and "Zoraide" not in page
    assert client.get(f"/eventi/{event.pk}/presenze/").status_code == 200
