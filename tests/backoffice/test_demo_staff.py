"""`make run`'s demo accounts include an operator of Cesena's hub and a member of the union's staff,
printed with the others, and each of them finds their tools in the header."""

import io

from django_tenants.utils import tenant_context

from src.hubs.demo import load_hubs
from src.hubs.models import HubOperator
from tenants.identity.models import Role, User
from tenants.union.demo import OPERATOR_EMAIL, UNION_STAFF_EMAIL, _demo_staff
from tests.conftest import host_client
from tests.signin import sign_in_staff


def test_demo_operator_and_union_staff(cesena):
    load_hubs(comuni=[cesena], stdout=io.StringIO())
    lines: list[str] = []
    _demo_staff(cesena, lines)
    assert any(line.startswith(OPERATOR_EMAIL) and "operatore" in line for line in lines)
    assert any(line.startswith(UNION_STAFF_EMAIL) and "staff dell'Unione" in line for line in lines)

    operator, staff = User.objects.get(email=OPERATOR_EMAIL), User.objects.get(email=UNION_STAFF_EMAIL)
    assert Role.objects.filter(user=operator, kind=Role.Kind.OPERATOR, municipality=cesena).exists()
    assert Role.objects.filter(user=staff, kind=Role.Kind.UNION_STAFF, municipality=None).exists()
    with tenant_context(cesena):
        hub = HubOperator.objects.get(user=operator).hub
        assert hub.slug == "hub-cesena"

    again: list[str] = []
    _demo_staff(cesena, again)  # a second `make run`: nothing new, nothing printed
    assert again == []
    html = sign_in_staff(host_client("cesena.localhost"), operator).get("/").content.decode()
    assert f'href="/accoglienza/{hub.slug}/" data-staff-link="front_desk"' in html
