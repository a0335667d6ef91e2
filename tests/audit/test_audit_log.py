"""The audit log: every look at personal data by staff is on it, with the right comune and actor;
nobody can change it, not even with raw SQL; union staff read it, comuni's administrators do not."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context
from psycopg2.extras import DateTimeTZRange

from src.bookings.models import Booking
from src.hubs.models import HubOperator
from tenants.audit.models import AuditEntry
from tenants.identity.models import Role
from tests.appointments.conftest import make_desk
from tests.bookings.conftest import build_hub
from tests.conftest import host_client
from tests.events.conftest import make_event
from tests.fixtures import UserFactory
from tests.signin import sign_in_staff

BROWSER = "Mozilla/5.0 (Linux; Android 14) Sportello"


def staff_client(host, user):
    return sign_in_staff(host_client(host), user)


def operator_of(municipality, hub, email):
    user = UserFactory(email=email)
    Role.objects.create(user=user, kind=Role.Kind.OPERATOR, municipality=municipality)
    with tenant_context(municipality):
        HubOperator.objects.create(hub=hub, user=user)
    return user


def only_entry(**filters) -> AuditEntry:
    (entry,) = AuditEntry.objects.filter(**filters)
    return entry


@pytest.fixture
def cesena_hub(cesena):
    with tenant_context(cesena):
        return build_hub("hub-audit")


def test_reading_a_front_desk_sheet_is_recorded_with_comune_actor_and_address(cesena, cesena_hub):
    operator = operator_of(cesena, cesena_hub, "operatrice@example.org")
    client = staff_client("cesena.localhost", operator)
    response = client.get(f"/accoglienza/{cesena_hub.slug}/", HTTP_USER_AGENT=BROWSER, HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 200
    entry = only_entry(target_type="hubs.hub")
    assert (entry.action, entry.target_id, entry.comune) == ("read", str(cesena_hub.pk), "cesena")
    assert (entry.actor_id, entry.actor_label) == (operator.pk, "operatrice@example.org")
    assert entry.ip_address == "127.0.0.1" and entry.user_agent == BROWSER and entry.request_id == "req-42"
    assert "accoglienza" in entry.description.lower()


def test_reading_a_desk_agenda_is_recorded(cesena):
    desk = make_desk(cesena)
    connection.set_schema_to_public()
    operator = operator_of(cesena, desk.hub, "sportello@example.org")
    assert staff_client("cesena.localhost", operator).get(f"/appuntamenti/agenda/{desk.pk}/").status_code == 200
    entry = only_entry(target_type="desks.servicedesk")
    assert (entry.action, entry.target_id, entry.comune, entry.actor_id) == (
        "read",
        str(desk.pk),
        "cesena",
        operator.pk,
    )


def test_reading_an_attendance_list_is_recorded(cesena):
    event = make_event(cesena)
    connection.set_schema_to_public()
    operator = operator_of(cesena, event.hub, "presenze@example.org")
    assert staff_client("cesena.localhost", operator).get(f"/eventi/{event.pk}/presenze/").status_code == 200
    entry = only_entry(target_type="events.event")
    assert (entry.action, entry.target_id, entry.comune, entry.actor_id) == (
        "read",
        str(event.pk),
        "cesena",
        operator.pk,
    )


def test_a_refused_look_writes_nothing(cesena, cesena_hub, citizen):
    citizen_client = host_client("cesena.localhost", citizen)
    assert citizen_client.get(f"/accoglienza/{cesena_hub.slug}/").status_code == 403
    assert not AuditEntry.objects.exists()


def test_admin_person_pages_are_recorded_on_both_sites(cesena, cesena_admin, union_staff, citizen, cesena_hub):
    # The union's admin: a person's page, the list of people.
    union = staff_client("localhost", union_staff)
    assert union.get(f"/admin/identity/user/{citizen.pk}/change/").status_code == 200
    page = only_entry(target_type="identity.user", target_id=str(citizen.pk))
    assert (page.action, page.comune, page.actor_id) == ("read", None, union_staff.pk)
    assert union.get("/admin/identity/user/").status_code == 200
    assert only_entry(target_type="identity.user", target_id="").action == "read"

    # The comune's admin: a booking's page and the bookings list, under the comune.
    with tenant_context(cesena):
        start = timezone.now() + timedelta(days=1)
        booking = Booking.objects.create(
            code="AUDIT001",
            person=citizen,
            hub=cesena_hub,
            space=cesena_hub.spaces.get(name="Coworking"),
            period=DateTimeTZRange(start, start + timedelta(hours=1)),
        )
    admin = staff_client("cesena.localhost", cesena_admin)
    assert admin.get(f"/admin/bookings/booking/{booking.pk}/change/").status_code == 200
    entry = only_entry(target_type="bookings.booking", target_id=str(booking.pk))
    assert (entry.action, entry.comune, entry.actor_id) == ("read", "cesena", cesena_admin.pk)
    assert citizen.email not in entry.description
    assert admin.get("/admin/bookings/booking/").status_code == 200
    assert only_entry(target_type="bookings.booking", target_id="").comune == "cesena"


def test_exports_are_recorded(cesena, cesena_admin, citizen):
    # The person's own data export, on a comune's host.
    response = host_client("cesena.localhost", citizen).get("/account/i-miei-dati/esporta/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    export = only_entry(action="export", target_type="identity.user")
    assert (export.actor_id, export.target_id, export.comune) == (citizen.pk, str(citizen.pk), "cesena")
    # A CSV of the comune's statistics.
    assert staff_client("cesena.localhost", cesena_admin).get("/statistiche/csv/comuni/").status_code == 200
    csv = only_entry(action="export", target_type="reporting.table")
    assert (csv.target_id, csv.comune, csv.actor_id) == ("comuni", "cesena", cesena_admin.pk)


def test_searching_people_by_fiscal_code_is_recorded_without_the_code(union_staff):
    UserFactory(email="mario@example.org", fiscal_code="RSSMRA80A01C573U")
    client = staff_client("localhost", union_staff)
    assert client.get("/admin/identity/user/", {"q": "rssmra80a01c573u"}).status_code == 200
    entry = only_entry(action="search")
    assert "codice fiscale" in entry.description and entry.comune is None
    stored = " ".join(str(value) for value in AuditEntry.objects.values_list().get())
    assert "RSSMRA80A01C573U" not in stored.upper()


def test_role_grants_revocations_and_passwords_set_by_staff_are_recorded(cesena, union_staff, citizen):
    client = staff_client("localhost", union_staff)
    form = {
        "email": citizen.email,
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "fiscal_code": "",
        "phone": "",
        "home_municipality": "",
        "language": "it",
        "is_active": "on",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": "",
        "roles-0-user": str(citizen.pk),
        "roles-0-kind": "operator",
        "roles-0-municipality": str(cesena.pk),
    }
    response = client.post(f"/admin/identity/user/{citizen.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    role = Role.objects.get(user=citizen, kind="operator")
    grant = only_entry(action="role_grant")
    assert (grant.target_type, grant.target_id, grant.comune, grant.actor_id) == (
        "identity.role",
        str(role.pk),
        "cesena",
        union_staff.pk,
    )

    form.update({"roles-INITIAL_FORMS": "1", "roles-0-id": str(role.pk), "roles-0-DELETE": "on"})
    assert client.post(f"/admin/identity/user/{citizen.pk}/change/", form).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    revoke = only_entry(action="role_revoke")
    assert (revoke.target_id, revoke.comune) == (str(role.pk), "cesena")

    response = client.post(
        f"/admin/identity/user/{citizen.pk}/password/",
        {"password1": "Una-nuova-password-9", "password2": "Una-nuova-password-9", "usable_password": "true"},
    )
    assert response.status_code == 302
    entry = only_entry(action="password_set")
    assert (entry.target_type, entry.target_id, entry.actor_id) == ("identity.user", str(citizen.pk), union_staff.pk)


def test_the_log_cannot_be_changed_or_deleted_even_with_raw_sql(union_staff):
    entry = AuditEntry.objects.create(action="read", actor_label="qualcuno@example.org", comune="cesena")
    statements = [
        ("UPDATE audit_auditentry SET actor_label = 'nessuno' WHERE id = %s", [entry.pk]),
        ("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk]),
        ("TRUNCATE audit_auditentry", []),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(comune="sarsina")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert AuditEntry.objects.values_list("actor_label", "comune").get(pk=entry.pk) == (
        "qualcuno@example.org",
        "cesena",
    )

    # Nor through the union's admin: no add, no change, no delete.
    client = staff_client("localhost", union_staff)
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200  # read-only page
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"comune": "sarsina"}).status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(
        "/admin/audit/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert AuditEntry.objects.filter(pk=entry.pk, comune="cesena").exists()


def test_union_staff_read_the_log_and_comune_administrators_do_not(cesena, cesena_admin, union_staff):
    AuditEntry.objects.create(action="read", actor_label="operatrice@example.org", comune="cesena")
    page = staff_client("localhost", union_staff).get("/admin/audit/auditentry/")
    assert page.status_code == 200 and "operatrice@example.org" in page.content.decode()

    admin = staff_client("localhost", cesena_admin)
    assert admin.get("/admin/audit/auditentry/").status_code == 403
    # The comune's own admin has no such page at all.
    assert staff_client("cesena.localhost", cesena_admin).get("/admin/audit/auditentry/").status_code == 404


def test_one_comunes_entries_never_show_as_anothers(cesena, sarsina, union_staff):
    with tenant_context(cesena):
        cesena_hub = build_hub("hub-cesena")
    with tenant_context(sarsina):
        sarsina_hub = build_hub("hub-sarsina")
    cesena_operator = operator_of(cesena, cesena_hub, "op.cesena@example.org")
    sarsina_operator = operator_of(sarsina, sarsina_hub, "op.sarsina@example.org")
    assert staff_client("cesena.localhost", cesena_operator).get("/accoglienza/hub-cesena/").status_code == 200
    assert staff_client("sarsina.localhost", sarsina_operator).get("/accoglienza/hub-sarsina/").status_code == 200
    # Cesena's operator tries Sarsina's sheet: refused, and nothing is written under Sarsina.
    assert staff_client("sarsina.localhost", cesena_operator).get("/accoglienza/hub-sarsina/").status_code == 403

    assert set(AuditEntry.objects.values_list("actor_id", "comune", "target_id")) == {
        (cesena_operator.pk, "cesena", str(cesena_hub.pk)),
        (sarsina_operator.pk, "sarsina", str(sarsina_hub.pk)),
    }
    client = staff_client("localhost", union_staff)
    listed = client.get("/admin/audit/auditentry/", {"comune": "sarsina"}).context["cl"].result_list
    assert [entry.actor_id for entry in listed] == [sarsina_operator.pk]
    listed = client.get("/admin/audit/auditentry/", {"actor": str(cesena_operator.pk)}).context["cl"].result_list
    assert [entry.comune for entry in listed] == ["cesena"]
