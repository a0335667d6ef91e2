"""Shared factories for people and roles (factory_boy)."""

import factory
import pytest
from django.utils import timezone

from tenants.identity.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.org")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Rossi{n}")
    password = factory.PostGenerationMethodCall("set_password", "una-password-lunga-1")
    # People in tests have confirmed their address unless a test says otherwise (tests/identity).
    email_verified_address = factory.SelfAttribute("email")
    email_verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture
def make_user(db):
    return UserFactory


@pytest.fixture
def cesena_admin(cesena):
    user = UserFactory(email="admin.cesena@example.org")
    Role.objects.create(user=user, kind=Role.Kind.ADMINISTRATOR, municipality=cesena)
    return user


@pytest.fixture
def sarsina_admin(sarsina):
    user = UserFactory(email="admin.sarsina@example.org")
    Role.objects.create(user=user, kind=Role.Kind.ADMINISTRATOR, municipality=sarsina)
    return user


@pytest.fixture
def union_staff(db):
    user = UserFactory(email="staff@unione.example.org")
    Role.objects.create(user=user, kind=Role.Kind.UNION_STAFF)
    return user
