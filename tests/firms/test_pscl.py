"""The PSCL figures on fixed data, worked out by hand below; small cells suppressed."""

from datetime import date

import pytest
from django.db import connection

from src.bookings.models import Booking
from src.bookings.services import booking_cancel, booking_create
from tenants.firms.selectors import firm_pscl
from tests.bookings.conftest import at, period
from tests.conftest import host_client, page_text
from tests.firms.conftest import CESENA, VAT_A, enrol, make_agreement, make_firm
from tests.fixtures import UserFactory
from tests.signin import sign_in_staff

FORLI = "040012"
MARCH = date(2025, 3, 1)


def _book(person, hub, day, start="10:00", end="12:00", seat=0):
    space = hub.spaces.get(name="Coworking")
    return booking_create(
        person=person,
        space=space,
        seat=list(space.seats.order_by("label"))[seat],
        period=period(day, start, end),
        channel="web",
        now=at(date(2025, 3, 1), "08:00"),
    )


@pytest.fixture
def figures(cesena, sarsina, sarsina_hub, other_firm):
    """Six employees living in Sarsina who work from the Sarsina hub in March 2025:
    five of the Cesena site (31 km from Sarsina), one of the Forlì site (46 km)."""
    connection.set_schema_to_public()
    firm = make_firm("Savio Logistica S.p.A.", VAT_A, municipality=cesena, sites=[("Cesena", CESENA), ("Forlì", FORLI)])
    cesena_site, forli_site = firm.sites.get(name="Cesena"), firm.sites.get(name="Forlì")
    make_agreement(firm, allowance_days=None)
    people = [UserFactory(email=f"e{n}@savio.it", home_municipality=sarsina) for n in range(1, 7)]
    for person in people[:5]:
        enrol(firm, person, cesena_site)
    enrol(firm, people[5], forli_site)
    stranger = UserFactory(email="altro@romagna.it", home_municipality=sarsina)
    enrol(other_firm, stranger)
    make_agreement(other_firm)
    manager = UserFactory(email="mm@savio.it")
    from tenants.firms.services import manager_grant

    manager_grant(firm=firm, user=manager)

    connection.set_tenant(sarsina)
    d3, d4, d5 = date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5)
    worked = []
    for n, person in enumerate(people[:5]):
        hours = ("10:00", "12:00") if n < 4 else ("15:00", "17:00")
        worked += [_book(person, sarsina_hub, d, *hours, seat=n % 4 if n < 4 else 3) for d in (d3, d4)]
    worked.append(_book(people[0], sarsina_hub, d3, "15:00", "17:00"))  # a second booking the same day: one day
    worked.append(_book(people[5], sarsina_hub, d4, "15:00", "17:00", seat=1))
    no_show = _book(people[1], sarsina_hub, d5)  # taken from the allowance, never worked
    cancelled = next(b for b in worked if b.person_id == people[4].pk and b.start.date() == d4)
    booking_cancel(booking=cancelled, actor=people[4], channel="web", now=at(date(2025, 3, 2), "08:00"))
    worked.remove(cancelled)
    worked.append(_book(stranger, sarsina_hub, d5, seat=2))  # another firm: never in these figures
    Booking.objects.filter(pk__in=[b.pk for b in worked]).update(state="completed")
    Booking.objects.filter(pk=no_show.pk).update(state="no_show")
    connection.set_schema_to_public()
    return firm, manager


def test_pscl_figures_worked_out_by_hand(figures):
    firm, _manager = figures
    pscl = firm_pscl(firm, 2025)
    (month,) = pscl.months
    assert month.month == MARCH and not month.suppressed
    # Worked: e1 2 days (two bookings on the 3rd count once), e2 2 (the 5th a no-show), e3 2,
    # e4 2, e5 1 (the 4th cancelled), e6 1 = 10 days by 6 people.
    assert (month.people, month.days_worked) == (6, 10)
    # Allowance taken: the worked days, plus e2's no-show = 11; the cancelled day came back.
    assert month.allowance_days == 11
    # Cesena site: 9 days × 2 × (31 km Sarsina→Cesena − 0 to the hub in their own comune) = 558 km;
    # Forlì site: 1 day × 2 × 46 km = 92 km. Total 650 km.
    assert month.km == 650
    assert month.kg_co2 == pytest.approx(650 * 163 / 1000)  # 105.95 kg
    assert month.g_nox == pytest.approx(650 * 0.30)  # 195 g
    assert month.g_pm10 == pytest.approx(650 * 0.035)  # 22.75 g
    by_site = {row.site.name: row for row in pscl.by_site}
    assert (by_site["Cesena"].people, by_site["Cesena"].days_worked, by_site["Cesena"].km) == (5, 9, 558)
    assert by_site["Cesena"].allowance_days == 10
    # One person at the Forlì site: fewer than 5, the cell is left empty.
    assert by_site["Forlì"].suppressed and by_site["Forlì"].km is None and by_site["Forlì"].days_worked is None


def test_the_csv_and_the_printable_page(figures):
    firm, manager = figures
    client = sign_in_staff(host_client("localhost"), manager)
    csv_text = client.get(f"/aziende/mobility-manager/{firm.pk}/pscl.csv?anno=2025").content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[1] == "2025-03,tutte le sedi,6,10,11,650,106.0,195.0,22.8,0,no"
    assert "2025-03,Forlì,,,,,,,,,si" in lines
    page = page_text(client.get(f"/aziende/mobility-manager/{firm.pk}/pscl/?anno=2025"))
    assert "CO2: 163 g/km" in page and "ISPRA" in page and "NOx: 0,300 g/km" in page, page[page.find("CO2") :][:400]
    assert "meno di 5 dipendenti" in page
