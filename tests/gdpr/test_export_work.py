"""The export holds the person at work and what they paid: their firm enrolment and the bookings
its agreement covered, the cooperative they work for, their orders, payments, refunds and
passes; another employee of another firm, on another cooperative's staff, appears nowhere."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.db import connection

from src.bookings.models import Booking
from src.common.time import local_today
from src.payments.models import Creditor, Order, Pass, Payment, Refund
from tenants.operators.models import OperatorOrganisation, OrganisationStaff, StaffAssignment
from tests.bookings.conftest import at, build_hub, period
from tests.conftest import host_client, page_text
from tests.firms.conftest import VAT_A, VAT_B, enrol, make_agreement, make_firm
from tests.firms.test_booking_under_agreement import _book, _day
from tests.fixtures import UserFactory


def _paid_booking(person, hub, seat_index, code, reference, creditor, *, refunded=False):
    """A booking of last week, paid by card (and refunded in part, if asked)."""
    space = hub.spaces.get(name="Coworking")
    seat = list(space.seats.order_by("label"))[seat_index]
    day = local_today() - timedelta(days=7)
    booking = Booking.objects.create(
        code=code,
        person=person,
        hub=hub,
        space=space,
        seat=seat,
        period=period(day, "09:00", "13:00"),
        state="completed",
        created_by=person,
    )
    order = Order.objects.create(
        reference=reference,
        kind=Order.Kind.BOOKING,
        person=person,
        creditor=creditor,
        provider="stripe",
        destination="acct_1CoopCesena0001",
        payer_name=person.get_full_name(),
        payer_email=person.email,
        description=f"Prenotazione {code}",
        amount_cents=1500,
        booking_id=booking.pk,
        hub=hub,
        state=Order.State.PAID,
        paid_at=at(day, "08:00"),
    )
    payment = Payment.objects.create(
        order=order,
        provider="stripe",
        external_id=f"pi_{reference}",
        amount_cents=1500,
        destination="acct_1CoopCesena0001",
        received_at=at(day, "08:00"),
    )
    if refunded:
        Refund.objects.create(payment=payment, amount_cents=500, reason=Refund.Reason.STAFF, state=Refund.State.DONE)
    return order


def _carnet(person, hub, reference, creditor):
    order = Order.objects.create(
        reference=reference,
        kind=Order.Kind.PASS,
        person=person,
        creditor=creditor,
        provider="stripe",
        destination="acct_1CoopCesena0001",
        description="Carnet 5 ingressi",
        amount_cents=4000,
        state=Order.State.PAID,
    )
    return Pass.objects.create(
        person=person,
        order=order,
        product="carnet",
        hub=hub,
        entries_total=5,
        entries_left=4,
        valid_from=local_today(),
        valid_until=local_today() + timedelta(days=90),
    )


@pytest.fixture
def workers(cesena, sarsina):
    """Ilaria works for Savio Logistica (a booking under its agreement in Sarsina) and for the
    Cooperativa Aurora; Fulvio for Romagna Software and the Cooperativa Borea. Both paid a booking in Sarsina."""
    ilaria = UserFactory(email="ilaria.bentivoglio@example.org", first_name="Ilaria", last_name="Bentivoglio")
    fulvio = UserFactory(email="fulvio.zambelli@example.org", first_name="Fulvio", last_name="Zambelli")
    savio = make_firm(
        "Savio Logistica S.p.A.", VAT_A, municipality=cesena, sites=(("Magazzino Pievesestina", "040007"),)
    )
    romagna = make_firm("Romagna Software S.r.l.", VAT_B, municipality=cesena, sites=(("Sede Borello", "040007"),))
    make_agreement(savio)
    make_agreement(romagna)
    enrol(savio, ilaria)
    enrol(romagna, fulvio)
    aurora = OperatorOrganisation.objects.create(
        name="Cooperativa Aurora", vat_number="02345670406", email="info@aurora.example.org"
    )
    borea = OperatorOrganisation.objects.create(
        name="Cooperativa Borea", vat_number="06363391001", email="info@borea.example.org"
    )
    ilaria_staff = OrganisationStaff.objects.create(
        organisation=aurora, user=ilaria, role=OrganisationStaff.Role.COORDINATOR
    )
    StaffAssignment.objects.create(staff=ilaria_staff, municipality=cesena, hub_id=4242)
    OrganisationStaff.objects.create(organisation=borea, user=fulvio)

    connection.set_tenant(sarsina)
    sarsina_hub = build_hub("hub-lavoro-sarsina")
    covered = {
        "ilaria": _book(ilaria, sarsina_hub, _day(2)).code,
        "fulvio": _book(fulvio, sarsina_hub, _day(2), seat=1).code,
    }
    creditor = Creditor.objects.create(
        name="Cooperativa Valle del Savio", kind=Creditor.Kind.CARD, stripe_account_id="acct_1CoopCesena0001"
    )
    orders = {
        "ilaria": _paid_booking(ilaria, sarsina_hub, 2, "ILPAID01", "ILORD001", creditor, refunded=True).reference,
        "fulvio": _paid_booking(fulvio, sarsina_hub, 3, "FUPAID01", "FUORD001", creditor, refunded=True).reference,
    }
    passes = {"ilaria": _carnet(ilaria, sarsina_hub, "ILORD002", creditor).pk}
    _carnet(fulvio, sarsina_hub, "FUORD002", creditor)
    connection.set_schema_to_public()
    return {"ilaria": ilaria, "fulvio": fulvio, "covered": covered, "orders": orders, "passes": passes}


def _files(person) -> dict[str, str]:
    response = host_client("localhost", person).get("/account/i-miei-dati/esporta/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_the_persons_firm_cooperative_and_payments_and_nobody_elses(workers):
    files = _files(workers["ilaria"])
    rows = {name[: -len(".json")]: json.loads(text) for name, text in files.items() if name.endswith(".json")}

    (enrolment,) = rows["aziende_iscrizioni"]
    assert enrolment["firm"] == "Savio Logistica S.p.A." and enrolment["site"] == "Magazzino Pievesestina"
    assert enrolment["state"] == "active"
    (use,) = rows["aziende_usi_convenzione"]
    assert use["azienda"] == "Savio Logistica S.p.A." and use["booking_code"] == workers["covered"]["ilaria"]
    assert use["municipality"] == "Sarsina" and use["counts_day"] is True
    assert [month["days_used"] for month in rows["aziende_giorni_usati"]] == [1]
    (staff,) = rows["cooperative_personale"]
    assert staff["organisation"] == "Cooperativa Aurora" and staff["role"] == "coordinator"
    assert [(a["municipality"], a["hub_id"]) for a in rows["cooperative_hub_assegnati"]] == [("Cesena", 4242)]

    orders = {order["reference"]: order for order in rows["pagamenti_ordini"]}
    assert set(orders) == {"ILORD001", "ILORD002"} and orders["ILORD001"]["comune"] == "sarsina"
    assert [p["external_id"] for p in rows["pagamenti_ricevuti"]] == ["pi_ILORD001"]
    assert [r["amount_cents"] for r in rows["pagamenti_rimborsi"]] == [500]
    assert [p["id"] for p in rows["carnet_e_abbonamenti"]] == [workers["passes"]["ilaria"]]
    # The CSV files carry the same rows, and the reader is told what each file is.
    assert files["aziende_iscrizioni.csv"].splitlines()[1].count("Savio Logistica S.p.A.") == 1
    assert "aziende_usi_convenzione" in files["LEGGIMI.txt"] and "cooperative_personale" in files["LEGGIMI.txt"]

    # Fulvio's firm, cooperative, bookings and payments appear nowhere in hers.
    everything = "\n".join(files.values())
    for value in (
        "Fulvio",
        "fulvio.zambelli@example.org",
        "Romagna Software",
        "Sede Borello",
        "Cooperativa Borea",
        workers["covered"]["fulvio"],
        workers["orders"]["fulvio"],
        "FUORD002",
        "pi_FUORD001",
    ):
        assert value not in everything


def test_another_worker_gets_only_their_own(workers):
    files = _files(workers["fulvio"])
    everything = "\n".join(files.values())
    assert "Savio Logistica" not in everything and "Cooperativa Aurora" not in everything
    assert "Ilaria" not in everything and workers["covered"]["ilaria"] not in everything
    assert "ILORD001" not in everything
    assert [e["firm"] for e in json.loads(files["aziende_iscrizioni.json"])] == ["Romagna Software S.r.l."]
    assert [s["organisation"] for s in json.loads(files["cooperative_personale.json"])] == ["Cooperativa Borea"]
    assert json.loads(files["cooperative_hub_assegnati.json"]) == []


def test_the_data_page_says_what_the_export_holds(workers):
    text = page_text(host_client("localhost", workers["ilaria"]).get("/account/i-miei-dati/"))
    assert "pagamenti" in text and "aziende" in text and "cooperative" in text
