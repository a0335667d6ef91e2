import pytest
from django_tenants.utils import tenant_context

from tenants.identity.models import Role
from tests.fixtures import UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The shared user factory sets a password; the real hasher costs ~0.3 s per person.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
