"""Demo firms for `make run`: two in Cesena, one in Mercato Saraceno, a public employer, enrolled
employees and a mobility manager among the demo accounts; loaded once."""

import io

from tenants.comuni.models import Municipality
from tenants.comuni.services import UNION_COMUNI, municipality_create
from tenants.firms.access import managed_firms
from tenants.firms.demo import MANAGER_EMAIL, load_firms
from tenants.firms.models import Agreement, Enrolment, Firm
from tests.fixtures import UserFactory


def test_demo_firms_once(cesena):
    data = next(c for c in UNION_COMUNI if c["slug"] == "mercato-saraceno")
    mercato = Municipality.objects.filter(slug="mercato-saraceno").first() or municipality_create(**data).municipality
    created = []

    def account(email, note="", **fields):
        created.append((email, note))
        return UserFactory(email=email, **fields)

    load_firms(comuni=[cesena, mercato], stdout=io.StringIO(), account=account)
    private = Firm.objects.filter(kind=Firm.Kind.PRIVATE)
    assert private.filter(municipality=cesena).count() == 2 and private.filter(municipality=mercato).count() == 1
    assert Agreement.objects.filter(state=Agreement.State.ACTIVE).count() == 4
    assert Enrolment.objects.filter(state=Enrolment.State.ACTIVE).count() == 6
    assert (MANAGER_EMAIL, "mobility manager") in created
    from tenants.identity.models import User

    assert [f.name for f in managed_firms(User.objects.get(email=MANAGER_EMAIL))] == ["Savio Logistica S.p.A."]
    load_firms(comuni=[cesena, mercato], stdout=io.StringIO(), account=account)
    assert Firm.objects.count() == 4
