"""What the concurrency tests commit: their threads, each on its own connection, see only
committed rows. A comune of the union of their own, and people with confirmed addresses,
created once per module and removed at its end (transactional_db's flush would empty the
public schema, comuni included)."""

from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import timezone

from tenants.comuni.models import Municipality
from tenants.comuni.services import UNION_COMUNI, municipality_create


def comune_committed(slug: str) -> Municipality:
    data = next(c for c in UNION_COMUNI if c["slug"] == slug)
    return municipality_create(**data).municipality


def people_committed(email: str, count: int) -> list:
    """`count` people, `email` formatted with 0…count-1, their addresses confirmed (the API
    books only for them, tests/identity)."""
    User = get_user_model()
    return [
        User.objects.create_user(
            email=email.format(i), email_verified_address=email.format(i), email_verified_at=timezone.now()
        )
        for i in range(count)
    ]


def committed_remove(municipality: Municipality, *, emails_like: str, sessions) -> None:
    """The comune's schema, then the sessions and the accounts (`emails_like`: a LIKE pattern)."""
    connections.close_all()
    Municipality.objects.get(pk=municipality.pk).delete(force_drop=True)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_session WHERE session_key = ANY(%s)", [list(sessions)])
        # Raw SQL: Django's cascade would look for the comuni's tables in the public schema.
        cursor.execute("DELETE FROM identity_user WHERE email LIKE %s", [emails_like])
