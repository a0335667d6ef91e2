"""Roles are scoped: a Cesena administrator has no power in Sarsina."""

from tenants.identity.models import Role
from tenants.identity.policy import Action, can
from tests.conftest import host_client, page_text


def test_comune_administrator_enters_own_admin_area(cesena_admin):
    response = host_client("cesena.localhost", cesena_admin).get("/admin/")
    assert response.status_code == 200
    assert "Comune di Cesena: amministrazione" in page_text(response)


def test_cesena_administrator_is_refused_in_sarsina_with_a_message(cesena_admin, sarsina):
    response = host_client("sarsina.localhost", cesena_admin).get("/admin/")
    assert response.status_code == 403
    assert "Non hai un ruolo di amministrazione nel Comune di Sarsina" in page_text(response)


def test_citizen_is_refused_in_the_admin_area(citizen, cesena):
    response = host_client("cesena.localhost", citizen).get("/admin/")
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_the_login(cesena):
    response = host_client("cesena.localhost").get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_union_admin_area_is_for_union_staff_only(union_staff, cesena_admin):
    assert host_client("localhost", union_staff).get("/admin/").status_code == 200
    assert host_client("localhost", cesena_admin).get("/admin/").status_code == 403


def test_policy_scopes_each_role(cesena, sarsina, make_user):
    operator = make_user()
    Role.objects.create(user=operator, kind=Role.Kind.OPERATOR, municipality=cesena)
    assert can(operator, Action.OPERATE_FRONT_DESK, cesena)
    assert not can(operator, Action.OPERATE_FRONT_DESK, sarsina)
    assert not can(operator, Action.ADMINISTER_COMUNE, cesena)
    # Every account is a citizen everywhere: one identity across the union.
    assert can(operator, Action.BOOK, sarsina)


def test_a_comune_role_needs_its_comune(citizen):
    import pytest
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=citizen, kind=Role.Kind.ADMINISTRATOR, municipality=None)


def test_union_staff_deactivates_people_rather_than_deleting_them(union_staff, citizen):
    client = host_client("localhost", union_staff)
    page = client.get(f"/admin/identity/user/{citizen.pk}/change/")
    assert page.status_code == 200
    assert client.post(f"/admin/identity/user/{citizen.pk}/delete/", {"post": "yes"}).status_code == 403
    citizen.refresh_from_db()
    assert citizen.is_active


def test_a_page_reads_a_persons_roles_once(cesena_admin):
    # The admin asks the policy for every model and permission on the page.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = host_client("cesena.localhost", cesena_admin)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    assert sum('"identity_role"' in q["sql"] for q in queries.captured_queries) == 1
