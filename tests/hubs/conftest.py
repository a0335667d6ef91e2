import pytest
from django_tenants.utils import tenant_context

from tenants.identity.models import Role
from tests.fixtures import UserFactory


@pytest.fixture
def cesena_operator(cesena):
    """An operator of Cesena, not yet assigned to any hub."""
    user = UserFactory(email="operatore.cesena@example.org")
    Role.objects.create(user=user, kind=Role.Kind.OPERATOR, municipality=cesena)
    return user


@pytest.fixture
def in_cesena(cesena):
    with tenant_context(cesena):
        yield cesena
