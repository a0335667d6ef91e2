"""Web push: a notice reaches the person's browser through a push service, signed with our
VAPID key and encrypted for that browser only; no subscription means e-mail."""

import pytest
from django.core import mail
from http_ece import ECEException

from src.outbox.channels import Notice, notice_deliver
from src.outbox.channels.webpush import Subscription, subscription_source_set
from tenants.identity.models import NotificationChannel, PersonalSettings
from tests.notify.push_service import Browser, PushService, vapid_keys


@pytest.fixture
def push(settings):
    private, public = vapid_keys()
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = private, public
    settings.VAPID_SUBJECT = "mailto:hub@example.org"
    service = PushService(public)
    origin = service.start()
    subscriptions: dict[int, list[Browser]] = {}
    forgotten: list[str] = []
    subscription_source_set(
        lambda person: [
            Subscription(b.endpoint, b.p256dh, b.auth_secret, forget=lambda e=b.endpoint: forgotten.append(e))
            for b in subscriptions.get(person.pk, [])
        ]
    )
    service.subscriptions, service.forgotten, service.url = subscriptions, forgotten, origin
    yield service
    subscription_source_set(None)
    service.stop()


def _notice(sent: list) -> Notice:
    return Notice(
        subject="Promemoria: Hub di Cesena, domani 10:00",
        markdown="Ciao Anna,\n\nti ricordiamo la tua prenotazione di domani alle 10:00.\n\nAltro testo.",
        url="https://cesena.example.org/prenotazioni/ABC123/",
        send_email=lambda: sent.append("email"),
    )


def test_a_notice_reaches_the_subscribed_browser_encrypted_for_it(cesena, citizen, push):
    PersonalSettings.objects.create(user=citizen, channel=NotificationChannel.WEB_PUSH)
    phone = Browser(f"{push.url}/push/phone-1")
    push.subscriptions[citizen.pk] = [phone]
    sent = []
    assert notice_deliver(person=citizen, municipality=cesena, notice=_notice(sent)) == NotificationChannel.WEB_PUSH
    assert push.refused == [] and sent == []
    [(path, body)] = push.delivered
    assert path == "/push/phone-1"
    assert b"ricordiamo" not in body  # the push service sees ciphertext only
    shown = phone.decrypt(body)
    assert shown == {
        "title": "Promemoria: Hub di Cesena, domani 10:00",
        "body": "Ciao Anna,",
        "url": "https://cesena.example.org/prenotazioni/ABC123/",
    }
    assert Browser(phone.endpoint).key != phone.key  # another browser could not read it
    with pytest.raises(ECEException):
        Browser(phone.endpoint).decrypt(body)


def test_no_subscription_means_e_mail(cesena, citizen, push):
    PersonalSettings.objects.create(user=citizen, channel=NotificationChannel.WEB_PUSH)
    sent = []
    assert notice_deliver(person=citizen, municipality=cesena, notice=_notice(sent)) == NotificationChannel.EMAIL
    assert sent == ["email"] and push.delivered == []


def test_a_subscription_the_service_says_is_gone_is_forgotten_and_e_mail_goes(cesena, citizen, push):
    PersonalSettings.objects.create(user=citizen, channel=NotificationChannel.WEB_PUSH)
    push.subscriptions[citizen.pk] = [Browser(f"{push.url}/gone/old-laptop")]
    sent = []
    assert notice_deliver(person=citizen, municipality=cesena, notice=_notice(sent)) == NotificationChannel.EMAIL
    assert push.forgotten == [f"{push.url}/gone/old-laptop"] and sent == ["email"]


def test_without_vapid_keys_push_is_off_and_e_mail_goes(cesena, citizen, push, settings):
    settings.VAPID_PRIVATE_KEY = ""
    PersonalSettings.objects.create(user=citizen, channel=NotificationChannel.WEB_PUSH)
    push.subscriptions[citizen.pk] = [Browser(f"{push.url}/push/phone-1")]
    sent = []
    assert notice_deliver(person=citizen, municipality=cesena, notice=_notice(sent)) == NotificationChannel.EMAIL
    assert push.delivered == [] and mail.outbox == [] and sent == ["email"]


def test_the_subscriptions_are_the_ones_browsers_stored_through_the_api(citizen, make_user):
    # No test source: the channel reads tenants/webpush's table, the one /api/v1/push/subscriptions/ fills.
    from src.outbox.channels.webpush import push_subscriptions_of
    from tenants.webpush.models import PushSubscription

    PushSubscription.objects.create(user=citizen, endpoint="https://push.example.org/a", p256dh="k", auth="s")
    PushSubscription.objects.create(user=make_user(), endpoint="https://push.example.org/b", p256dh="k", auth="s")
    mine = push_subscriptions_of(citizen)
    assert [s.endpoint for s in mine] == ["https://push.example.org/a"]
    mine[0].forget()
    assert not PushSubscription.objects.filter(user=citizen).exists()
