"""Enrolment: an invitation by e-mail through the outbox, accepted in the personal area; the
company domain; the enrolment code; leaving keeps the bookings and the firm's figures, not the person."""

from datetime import timedelta

from django.core import mail
from django.db import connection

from src.bookings.models import Booking
from tenants.firms.models import AgreementUse, Enrolment
from tenants.firms.selectors import firm_people
from tests.conftest import drain_outbox, host_client, page_text
from tests.firms.test_booking_under_agreement import _book, _day
from tests.fixtures import UserFactory
from tests.signin import sign_in_staff


def test_invite_by_email_then_accept_in_the_personal_area(manager, firm, cesena, agreement):
    client = sign_in_staff(host_client("localhost"), manager)
    response = client.post(f"/aziende/mobility-manager/{firm.pk}/invita/", {"email": "Nuovo@Example.org"})
    assert response.status_code == 302
    assert mail.outbox == []  # never sent inside the request
    assert drain_outbox(cesena) == 1
    (message,) = mail.outbox
    assert message.to == ["nuovo@example.org"] and "Savio Logistica" in message.subject
    assert "/account/azienda/" in message.body

    person = UserFactory(email="nuovo@example.org")
    other = UserFactory(email="altro@example.org")
    invitation = Enrolment.objects.get(firm=firm, email="nuovo@example.org")
    # Another person cannot accept it, even with its id.
    stranger = host_client("localhost", other)
    stranger.post("/account/azienda/", {"action": "accept", "enrolment": invitation.pk})
    assert Enrolment.objects.get(pk=invitation.pk).state == Enrolment.State.INVITED

    area = host_client("localhost", person)
    assert "Accetta l'invito di Savio Logistica S.p.A." in page_text(area.get("/account/azienda/"))
    assert area.post("/account/azienda/", {"action": "accept", "enrolment": invitation.pk}).status_code == 302
    enrolment = Enrolment.objects.get(pk=invitation.pk)
    assert enrolment.state == Enrolment.State.ACTIVE and enrolment.user == person and enrolment.email == ""


def test_an_unverified_address_cannot_accept(manager, firm):
    from tenants.firms.services import enrolment_invite

    enrolment_invite(firm=firm, email="nonverificato@example.org", site=None, by=manager)
    person = UserFactory(email="nonverificato@example.org", email_verified_address="")
    area = host_client("localhost", person)
    assert "Accetta l'invito" not in page_text(area.get("/account/azienda/"))


def test_the_company_domain_and_the_enrolment_code(firm, manager):
    firm.email_domain = "saviologistica.it"
    firm.save()
    client = sign_in_staff(host_client("localhost"), manager)
    response = client.post(f"/aziende/mobility-manager/{firm.pk}/invita/", {"email": "privato@gmail.com"})
    assert response.status_code == 400 and "@saviologistica.it" in page_text(response)

    outsider = host_client("localhost", UserFactory(email="privato@gmail.com"))
    response = outsider.post("/account/azienda/", {"action": "join", "code": firm.enrolment_code})
    assert response.status_code == 400 and "@saviologistica.it" in page_text(response)
    insider_user = UserFactory(email="giulia@saviologistica.it")
    insider = host_client("localhost", insider_user)
    assert insider.post("/account/azienda/", {"action": "join", "code": "SBAGLIATO"}).status_code == 400
    assert insider.post("/account/azienda/", {"action": "join", "code": firm.enrolment_code.lower()}).status_code == 302
    assert Enrolment.objects.get(firm=firm, user=insider_user).state == Enrolment.State.ACTIVE


def test_who_leaves_keeps_their_bookings_and_vanishes_from_the_lists(employee, manager, firm, agreement, sarsina_hub):
    booking = _book(employee, sarsina_hub, _day(2))
    connection.set_schema_to_public()
    area = host_client("localhost", employee)
    enrolment = Enrolment.objects.get(user=employee)
    area.post("/account/azienda/", {"action": "leave", "enrolment": enrolment.pk})

    left = Enrolment.objects.get(pk=enrolment.pk)
    assert left.state == Enrolment.State.LEFT and left.user is None and left.email == ""
    assert list(firm_people(firm)) == []
    page = page_text(sign_in_staff(host_client("localhost"), manager).get(f"/aziende/mobility-manager/{firm.pk}/"))
    assert "Marco" not in page and "dipendente@saviologistica.it" not in page
    # The booking is still the person's, still under the agreement; the firm keeps the day, nameless.
    assert AgreementUse.objects.get(booking_code=booking.code).enrolment_id == left.pk
    from tenants.comuni.models import Municipality

    connection.set_tenant(Municipality.objects.get(slug="sarsina"))
    kept = Booking.objects.get(pk=booking.pk)
    assert kept.person_id == employee.pk and kept.state == "confirmed" and kept.agreement_id == agreement.pk
    connection.set_schema_to_public()
    # Their next booking is theirs alone, without the agreement.
    connection.set_tenant(Municipality.objects.get(slug="sarsina"))
    assert _book(employee, sarsina_hub, _day(2) + timedelta(days=1)).agreement_id is None


def test_erasing_an_enrolled_account_keeps_the_firms_figures_nameless(employee, firm, agreement, sarsina_hub):
    from tenants.account.erasure import account_erase

    booking = _book(employee, sarsina_hub, _day(2))
    connection.set_schema_to_public()
    enrolment = Enrolment.objects.get(user=employee)
    account_erase(user=employee)
    assert Enrolment.objects.get(pk=enrolment.pk).user is None
    assert list(firm_people(firm)) == []
    assert AgreementUse.objects.get(booking_code=booking.code).enrolment_id == enrolment.pk


def test_erasing_an_enrolled_account_gives_the_days_of_its_cancelled_bookings_back(
    employee, firm, agreement, sarsina_hub
):
    from tenants.account.erasure import account_erase
    from tenants.firms.models import AllowanceMonth

    two_bookings_one_day = [_book(employee, sarsina_hub, _day(2), "09:00", "11:00")]
    two_bookings_one_day.append(_book(employee, sarsina_hub, _day(2), "15:00", "17:00"))
    another_day = _book(employee, sarsina_hub, _day(3))
    connection.set_schema_to_public()
    assert AllowanceMonth.objects.get(agreement=agreement).days_used == 2
    account_erase(user=employee)
    # The bookings are cancelled, so the month's allowance has its days back and nothing is billed.
    assert AllowanceMonth.objects.get(agreement=agreement).days_used == 0
    codes = [b.code for b in [*two_bookings_one_day, another_day]]
    assert not AgreementUse.objects.filter(booking_code__in=codes, released_at__isnull=True).exists()


def _booker(person, hub):
    """Books the first seat of the hub's coworking room for `person` through the API, by the hour."""
    space = hub.spaces.get(name="Coworking")
    seat = space.seats.order_by("label").first()
    connection.set_schema_to_public()
    client = host_client("sarsina.localhost", person)

    def book(day, hour: int) -> dict:
        response = client.post(
            "/api/v1/bookings/",
            {
                "space": space.pk,
                "seat": seat.pk,
                "start": f"{day.isoformat()}T{hour:02d}:00:00+01:00",
                "end": f"{day.isoformat()}T{hour + 1:02d}:00:00+01:00",
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        return response.json()

    return book


def test_joining_covers_the_next_booking_and_leaving_ends_it(firm, agreement, sarsina_hub):
    # Bookings look for an agreement only for people enrolled (User.firm_employee): the flag
    # must follow the enrolment at once, both ways.
    person = UserFactory(email="nuova@saviologistica.it")
    book = _booker(person, sarsina_hub)
    assert book(_day(3), 9)["agreement"] is None

    area = host_client("localhost", person)
    assert area.post("/account/azienda/", {"action": "join", "code": firm.enrolment_code}).status_code == 302
    covered = book(_day(3), 10)
    assert covered["agreement"] == agreement.pk and covered["agreement_firm"] == "Savio Logistica S.p.A."

    enrolment = Enrolment.objects.get(firm=firm, user=person)
    assert area.post("/account/azienda/", {"action": "leave", "enrolment": enrolment.pk}).status_code == 302
    assert book(_day(4), 11)["agreement"] is None
