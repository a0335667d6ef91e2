"""Firms for the tests: a firm of Cesena with a union agreement and an enrolled employee.

Everything in the rolled-back test transaction; bookings go into Sarsina or Cesena
(tests/bookings/conftest.py builds the hubs).
"""

from datetime import date

import pytest
from django.db import connection

from tenants.firms.models import Agreement, Enrolment, Firm, WorkSite
from tenants.firms.services import manager_grant
from tests.bookings.conftest import build_hub
from tests.fixtures import UserFactory

# Valid VAT numbers (check digit right).
VAT_A = "01234567897"
VAT_B = "12345678903"
CESENA, SARSINA, MERCATO = "040007", "040044", "040020"


def make_firm(name: str, tax_code: str, *, municipality=None, sites=(("Sede", CESENA),), **fields) -> Firm:
    firm = Firm.objects.create(
        name=name, tax_code=tax_code, size_band=Firm.SizeBand.LARGE, municipality=municipality, **fields
    )
    for site_name, istat in sites:
        WorkSite.objects.create(firm=firm, name=site_name, address="Via Emilia 1", istat_code=istat)
    return firm


def make_agreement(firm: Firm, **fields) -> Agreement:
    values = {
        "title": f"Convenzione {firm.name}",
        "valid_from": date(2020, 1, 1),
        "state": Agreement.State.ACTIVE,
        "allowance_days": 8,
        "terms": Agreement.Terms.FIRM_PER_DAY,
        "price_per_day_cents": 1000,
        **fields,
    }
    return Agreement.objects.create(firm=firm, **values)


def enrol(firm: Firm, user, site=None) -> Enrolment:
    return Enrolment.objects.create(firm=firm, user=user, site=site or firm.sites.first(), state=Enrolment.State.ACTIVE)


@pytest.fixture
def firm(cesena):
    return make_firm("Savio Logistica S.p.A.", VAT_A, municipality=cesena)


@pytest.fixture
def agreement(firm):
    return make_agreement(firm)


@pytest.fixture
def employee(firm, cesena):
    user = UserFactory(email="dipendente@saviologistica.it", first_name="Marco", home_municipality=None)
    enrol(firm, user)
    return user


@pytest.fixture
def manager(firm):
    user = UserFactory(email="mm@saviologistica.it", first_name="Laura")
    manager_grant(firm=firm, user=user)
    return user


@pytest.fixture
def other_firm(cesena):
    return make_firm("Romagna Software S.r.l.", VAT_B, municipality=cesena)


@pytest.fixture
def sarsina_hub(sarsina):
    connection.set_tenant(sarsina)
    hub = build_hub("hub-sarsina")
    yield hub
    connection.set_schema_to_public()
