"""A Sarsina appointment cannot be seen or changed from Cesena, by page or by API."""

from datetime import datetime, time

from django.db import connection
from django.utils import timezone

from src.appointments.models import Appointment
from src.appointments.services import appointment_book
from tests.conftest import host_client, page_text


def test_sarsina_appointment_is_invisible_and_unchangeable_from_cesena(
    sarsina, cesena_desk, sarsina_desk, day_after_tomorrow, make_user
):
    connection.set_tenant(sarsina)
    person = make_user()
    start = datetime.combine(day_after_tomorrow, time(9), tzinfo=timezone.get_default_timezone())
    appointment = appointment_book(
        desk=sarsina_desk,
        start=start,
        topic="SPID e CIE",
        applicant_name="Sara Sarsinate",
        email="sara@example.org",
        person=person,
    )
    code, email = appointment.code, appointment.email
    cesena = host_client("cesena.localhost", user=person)

    page = cesena.post("/appuntamenti/verifica/", {"code": code, "email": email})
    assert page.status_code == 404 and "Sara Sarsinate" not in page_text(page)
    assert "Sara Sarsinate" not in page_text(cesena.get("/appuntamenti/verifica/", {"codice": code}))
    assert cesena.post("/appuntamenti/annulla/", {"code": code, "email": email}).status_code == 404

    assert (
        cesena.post(
            "/api/v1/appointments/lookup/", {"code": code, "email": email}, content_type="application/json"
        ).status_code
        == 404
    )
    assert cesena.get(f"/api/v1/appointments/{code}/").status_code == 404
    assert cesena.get("/api/v1/appointments/").json() == []
    assert (
        cesena.post(
            f"/api/v1/appointments/{code}/cancel/", {"email": email}, content_type="application/json"
        ).status_code
        == 404
    )

    connection.set_tenant(sarsina)
    assert Appointment.objects.get(code=code).state == "booked"
    # And on its own comune's site the owner sees it.
    own = host_client("sarsina.localhost", user=person).get("/appuntamenti/verifica/", {"codice": code})
    assert "Sara Sarsinate" in page_text(own)
