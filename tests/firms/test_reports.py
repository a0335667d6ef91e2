"""The union's and the comuni's reports fill "firm employee under an agreement" and "public
employee", and add usage per agreement (one SQL across schemas, as every measure)."""

from datetime import date

from django.db import connection

from src.bookings.models import Booking
from tenants.firms.demo import vat
from tenants.firms.models import Firm
from tenants.reporting.periods import Period
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.selectors import ReportQuery, report_build
from tests.conftest import host_client, page_text
from tests.firms.conftest import enrol, make_agreement, make_firm
from tests.firms.test_pscl import _book
from tests.fixtures import UserFactory
from tests.signin import sign_in_staff


def test_categories_and_usage_per_agreement(employee, agreement, sarsina, sarsina_hub, union_staff, sarsina_admin):
    connection.set_schema_to_public()
    comune = make_firm("Comune di Sarsina (personale)", vat("0060630040"), kind=Firm.Kind.PUBLIC, municipality=sarsina)
    make_agreement(comune, title="Smart working del personale", municipality=sarsina)
    clerk = UserFactory(email="impiegata@comune.sarsina.fc.it")
    enrol(comune, clerk)
    connection.set_tenant(sarsina)
    day = date(2025, 3, 3)
    covered = _book(employee, sarsina_hub, day)
    _book(employee, sarsina_hub, date(2025, 3, 4))
    _book(clerk, sarsina_hub, day, seat=1)
    _book(UserFactory(email="libero@example.org"), sarsina_hub, day, seat=2)
    Booking.objects.filter(pk=covered.pk).update(state="completed")
    connection.set_schema_to_public()

    report = report_build(ReportQuery(comuni=comune_schemas(), period=Period.containing("month", day), mode="live"))
    union = report["people"]["union"]["current"]
    assert (union["people"], union["firm_employees"], union["public_employees"]) == (3, 1, 1)
    usage = {(a["title"], a["comune_name"]): a for a in report["agreements"]}
    firm_row = usage[(agreement.title, None)]
    assert (firm_row["firm"], firm_row["people"], firm_row["days"], firm_row["attended_days"]) == (
        "Savio Logistica S.p.A.",
        1,
        2,
        1,
    )
    assert usage[("Smart working del personale", "Sarsina")]["public_employer"] is True

    # The union's dashboard and the comune's show them.
    union_page = page_text(
        sign_in_staff(host_client("localhost"), union_staff).get("/statistiche/?periodo=mese&data=2025-03-01")
    )
    assert "Utilizzo per convenzione" in union_page and "Dipendenti di aziende in convenzione" in union_page
    comune_page = page_text(
        sign_in_staff(host_client("sarsina.localhost"), sarsina_admin).get("/statistiche/?periodo=mese&data=2025-03-01")
    )
    assert "Utilizzo per convenzione" in comune_page and "Smart working del personale" in comune_page
