"""One `SET search_path` per request (TENANT_LIMIT_SET_CALLS) must never read another comune's rows,
whatever the savepoints and tenant switches on one connection (the known django-tenants hazard:
a rolled-back savepoint reverts the path on the server while the connection thinks it is set)."""

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from src.hubs.models import Hub
from tests.hubs.factories import make_hub


class Boom(Exception):
    pass


@pytest.fixture
def two_hubs(cesena, sarsina):
    connection.set_tenant(cesena)
    make_hub(name="Hub di Cesena", slug="hub-cesena")
    connection.set_tenant(sarsina)
    make_hub(name="Hub di Sarsina", slug="hub-sarsina")
    return cesena, sarsina


def names():
    return list(Hub.objects.values_list("name", flat=True))


def test_the_setting_is_on(settings):
    assert settings.TENANT_LIMIT_SET_CALLS is True


def test_a_rolled_back_savepoint_that_switched_comune_reads_the_current_comune(two_hubs):
    cesena, sarsina = two_hubs
    connection.set_tenant(cesena)
    assert names() == ["Hub di Cesena"]
    connection.set_tenant(sarsina)
    with pytest.raises(Boom), transaction.atomic():
        assert names() == ["Hub di Sarsina"]  # SET search_path to sarsina, inside the savepoint
        raise Boom
    # The server went back to cesena's path with the savepoint; the connection still says sarsina.
    assert connection.schema_name == "sarsina"
    assert names() == ["Hub di Sarsina"]


def test_schema_context_inside_a_failed_savepoint(two_hubs):
    cesena, sarsina = two_hubs
    connection.set_tenant(cesena)
    assert names() == ["Hub di Cesena"]
    with pytest.raises(Boom), transaction.atomic(), schema_context("sarsina"):
        assert names() == ["Hub di Sarsina"]
        raise Boom
    assert connection.schema_name == "cesena"
    assert names() == ["Hub di Cesena"]


def test_a_failed_statement_then_a_switch(two_hubs):
    cesena, sarsina = two_hubs
    connection.set_tenant(sarsina)
    with pytest.raises(Boom), transaction.atomic():
        connection.set_tenant(cesena)
        assert names() == ["Hub di Cesena"]
        raise Boom
    connection.set_tenant(sarsina)
    assert names() == ["Hub di Sarsina"]
    connection.set_tenant(cesena)
    assert names() == ["Hub di Cesena"]


def test_one_set_per_comune_switch(two_hubs, django_assert_num_queries):
    cesena, _ = two_hubs
    connection.set_tenant(cesena)
    with django_assert_num_queries(3):  # one SET, then two queries without it
        names()
        names()
