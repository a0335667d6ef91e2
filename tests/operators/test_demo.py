"""Demo data: one cooperative runs the hubs of Cesena and Sarsina; its staff account is listed
with the demo credentials; loading twice changes nothing."""

import io

from django_tenants.utils import tenant_context

from src.hubs.demo import load_hubs
from src.hubs.models import Hub
from tenants.comuni.models import Municipality
from tenants.comuni.services import administrator_grant
from tenants.operators.access import hubs_run_by
from tenants.operators.demo import STAFF_EMAIL, load_operators
from tenants.operators.models import ServiceContract
from tenants.union.demo import _demo_account


def test_demo_cooperative_runs_cesena_and_sarsina(cesena, sarsina):
    out = io.StringIO()
    load_hubs(comuni=[cesena, sarsina], stdout=out)
    for municipality in (cesena, sarsina):
        administrator_grant(
            municipality=municipality, email=f"admin.{municipality.slug}@example.org", password="x" * 12
        )
    lines: list[str] = []
    load_operators(comuni=[cesena, sarsina], account=_demo_account, lines=lines, stdout=out)
    assert len(lines) == 1 and lines[0].startswith(STAFF_EMAIL) and "Cesena e Sarsina" in lines[0]

    contracts = ServiceContract.objects.filter(organisation__staff__user__email=STAFF_EMAIL)
    assert {c.municipality.slug for c in contracts} == {"cesena", "sarsina"}
    assert {c.status for c in contracts} == {"approved"}
    from tenants.identity.models import User

    staff = User.objects.get(email=STAFF_EMAIL)
    run = hubs_run_by(staff)
    for municipality in (cesena, sarsina):
        with tenant_context(municipality):
            assert run[municipality.pk] == set(Hub.objects.values_list("pk", flat=True))
    assert set(run) == {cesena.pk, sarsina.pk}
    assert not Municipality.objects.exclude(pk__in=[cesena.pk, sarsina.pk]).filter(pk__in=run).exists()

    # Again: nothing new.
    again: list[str] = []
    load_operators(comuni=[cesena, sarsina], account=_demo_account, lines=again, stdout=out)
    assert again == [] and ServiceContract.objects.filter(organisation__staff__user__email=STAFF_EMAIL).count() == 2
