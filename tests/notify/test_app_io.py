"""Booking reminders through App IO: the comune's own key, the profile checked first, a body
the specification accepts; e-mail for whoever is not on IO; nothing for who turned reminders off."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from src.bookings.jobs import reminders_send
from src.bookings.services.booking import booking_create
from src.outbox.channels import Notice, PaymentDue
from src.outbox.channels.appio import appio_send, message_body
from src.outbox.models import OutboxMessage
from tenants.identity.models import NotificationChannel, PersonalSettings, User
from tests.bookings.conftest import at, build_hub, period
from tests.conftest import drain_outbox

FISCAL_CODE = "RSSMRA85T10A562S"


def on_io(person, fiscal_code=FISCAL_CODE, channel=NotificationChannel.APP_IO):
    User.objects.filter(pk=person.pk).update(
        fiscal_code_verified=fiscal_code, fiscal_code_verified_at=timezone.now(), fiscal_code_verified_by="spid"
    )
    PersonalSettings.objects.update_or_create(user_id=person.pk, defaults={"channel": channel})
    person.refresh_from_db()
    return person


def remind(municipality, *people, slug="hub-io"):
    """Book a seat for each person tomorrow and run the reminders' job; the drain sends them."""
    connection.set_tenant(municipality)
    cowork = build_hub(slug, seats=len(people) + 1).spaces.get(name="Coworking")
    seats = list(cowork.seats.order_by("label"))
    day = timezone.localdate() + timedelta(days=1)
    for person, seat in zip(people, seats):
        booking_create(
            person=person,
            space=cowork,
            seat=seat,
            period=period(day, "10:00", "11:00"),
            channel="web",
            notify=False,
            now=at(day, "10:00") - timedelta(hours=30),
        )
    mail.outbox.clear()
    reminders_send(now=at(day, "10:00") - timedelta(hours=2))
    drain_outbox()


def test_a_booking_reminder_reaches_app_io_with_the_comunes_key_and_a_body_the_spec_accepts(cesena, app_io, citizen):
    person = on_io(citizen)
    app_io.profiles[FISCAL_CODE] = True
    remind(cesena, person)

    assert app_io.refused == []
    [profile, message] = app_io.received
    assert profile.path.endswith("/profiles") and profile.body == {"fiscal_code": FISCAL_CODE}
    assert message.comune == "cesena"
    assert message.body["fiscal_code"] == FISCAL_CODE
    content = message.body["content"]
    assert content["subject"].startswith("Promemoria: Hub hub-io")
    assert 80 <= len(content["markdown"]) <= 10_000 and "Se non puoi venire" in content["markdown"]
    assert "&#x27;" not in content["markdown"]  # Markdown, not HTML-escaped text
    assert content["due_date"].endswith("Z")
    assert mail.outbox == []  # IO carried it: no e-mail as well


def test_sarsinas_reminder_goes_with_sarsinas_key(sarsina, app_io, citizen):
    app_io.profiles[FISCAL_CODE] = True
    remind(sarsina, on_io(citizen))
    assert [m.comune for m in app_io.messages] == ["sarsina"]


def test_who_turned_reminders_off_gets_none_on_any_channel(cesena, app_io, citizen):
    person = on_io(citizen)
    PersonalSettings.objects.filter(user_id=person.pk).update(booking_reminders=False)
    app_io.profiles[FISCAL_CODE] = True
    remind(cesena, person)
    assert app_io.received == [] and mail.outbox == []


def test_a_person_not_on_io_gets_an_e_mail_instead(cesena, app_io, citizen):
    remind(cesena, on_io(citizen))  # no profile on the fake IO: 404
    assert len(app_io.received) == 1 and app_io.messages == []
    assert [m.to for m in mail.outbox] == [[citizen.email]]


def test_a_person_who_turned_our_service_off_in_io_gets_an_e_mail_instead(cesena, app_io, citizen):
    app_io.profiles[FISCAL_CODE] = False  # sender_allowed: false
    remind(cesena, on_io(citizen))
    assert app_io.messages == [] and [m.to for m in mail.outbox] == [[citizen.email]]


def test_a_typed_fiscal_code_is_never_used_for_io(cesena, app_io, make_user):
    person = make_user(fiscal_code=FISCAL_CODE)  # typed by hand, not vouched for by SPID or CIE
    PersonalSettings.objects.create(user=person, channel=NotificationChannel.APP_IO)
    app_io.profiles[FISCAL_CODE] = True
    remind(cesena, person)
    assert app_io.received == [] and [m.to for m in mail.outbox] == [[person.email]]


def test_who_chose_e_mail_is_not_sent_to_io(cesena, app_io, citizen):
    app_io.profiles[FISCAL_CODE] = True
    remind(cesena, on_io(citizen, channel=NotificationChannel.EMAIL))
    assert app_io.received == [] and len(mail.outbox) == 1


def test_io_down_leaves_the_reminder_for_a_later_try_without_an_e_mail(cesena, app_io, citizen):
    app_io.profiles[FISCAL_CODE] = True
    app_io.unavailable = True
    remind(cesena, on_io(citizen))
    message = OutboxMessage.objects.get(kind="bookings.reminder")
    assert message.state == OutboxMessage.State.PENDING and message.attempts == 1
    assert message.last_error == "AppIOUnavailable (503)"
    assert mail.outbox == []
    app_io.unavailable = False
    message.next_attempt_at = timezone.now()
    message.save()
    drain_outbox()
    assert len(app_io.messages) == 1


def test_a_payment_due_goes_as_payment_data_the_spec_accepts(cesena, app_io, citizen):
    person = on_io(citizen)
    app_io.profiles[FISCAL_CODE] = True
    notice = Notice(
        subject="Pagamento della giornata in coworking",
        markdown="Per confermare la prenotazione paga l'avviso pagoPA entro la scadenza indicata. " * 2,
        send_email=lambda: pytest.fail("IO should carry it"),
        due_date=timezone.now() + timedelta(days=2),
        payment=PaymentDue(amount_cents=500, notice_number="301000000000012345"),
    )
    assert appio_send(person=person, municipality=cesena, notice=notice)
    [message] = app_io.messages
    assert message.body["content"]["payment_data"] == {
        "amount": 500,
        "notice_number": "301000000000012345",
        "invalid_after_due_date": False,
        "payee": {"fiscal_code": "00143280402"},
    }


@pytest.mark.parametrize(
    "subject,markdown",
    [("Ciao", "breve"), ("x" * 500, "y" * 20_000), ("Promemoria prenotazione", "Un testo di media lunghezza. " * 10)],
)
def test_subjects_and_bodies_are_fitted_to_the_specs_limits(cesena, app_io, subject, markdown):
    body = message_body(
        fiscal_code=FISCAL_CODE,
        notice=Notice(subject=subject, markdown=markdown, send_email=lambda: None),
        municipality=cesena,
    )
    assert list(app_io.message_validator.iter_errors(body)) == []


def test_the_personal_area_saves_the_chosen_channel_and_refuses_an_unknown_one(citizen):
    from tests.conftest import host_client, page_text

    client = host_client("cesena.localhost", citizen)
    page = page_text(client.get("/account/notifiche/"))
    assert "Dove vuoi ricevere promemoria e avvisi" in page and "app IO" in page
    assert client.post("/account/notifiche/", {"booking_reminders": "on", "channel": "app_io"}).status_code == 302
    assert PersonalSettings.objects.get(user=citizen).channel == NotificationChannel.APP_IO
    refused = client.post("/account/notifiche/", {"booking_reminders": "on", "channel": "piccione"})
    assert refused.status_code == 400 and "Scegli un'opzione valida" in page_text(refused)
    assert PersonalSettings.objects.get(user=citizen).channel == NotificationChannel.APP_IO
