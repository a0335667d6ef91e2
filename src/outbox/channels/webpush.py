"""Web push to the installed web app (RFC 8030 delivery, RFC 8291 encryption, RFC 8292 VAPID),
through pywebpush, with the VAPID key pair from the environment (VAPID_PRIVATE_KEY,
VAPID_PUBLIC_KEY, VAPID_SUBJECT).

Where a person's browsers are subscribed is somebody else's table (a `PushSubscription` in the
public schema): this module reads it through `push_subscriptions_of`, which finds the model if
it is installed (`webpush.PushSubscription`, tenants/webpush, with `endpoint`, `p256dh`, `auth` and `user`) and
can be pointed elsewhere with `subscription_source_set`. With no subscription, or no VAPID key,
`webpush_send` returns False and the caller falls back to e-mail.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings

from src.outbox.channels import Notice

logger = logging.getLogger(__name__)

TTL = 24 * 3600  # a push service keeps an undelivered notice this long


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str  # the browser's public key (base64url)
    auth: str  # the shared authentication secret (base64url)
    forget: Callable[[], None] = lambda: None  # the push service said it is gone (404/410)

    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def _installed_model_source(person) -> list[Subscription]:
    try:
        model = apps.get_model("webpush", "PushSubscription")
    except LookupError:
        return []
    rows = model.objects.filter(user_id=person.pk)
    return [
        Subscription(row.endpoint, row.p256dh, row.auth, forget=lambda pk=row.pk: model.objects.filter(pk=pk).delete())
        for row in rows
    ]


_source: Callable[[object], list[Subscription]] = _installed_model_source


def subscription_source_set(source: Callable[[object], list[Subscription]] | None) -> None:
    """Where subscriptions come from (None: the installed model)."""
    global _source
    _source = source or _installed_model_source


def push_subscriptions_of(person) -> list[Subscription]:
    return list(_source(person))


def payload(notice: Notice) -> str:
    """What the service worker shows: a title, a short text and where a click leads."""
    first = notice.markdown.strip().split("\n\n", 1)[0].replace("#", "").replace("*", "").strip()
    return json.dumps({"title": notice.subject[:120], "body": first[:240], "url": notice.url}, ensure_ascii=False)


def webpush_send(*, person, notice: Notice) -> bool:
    """Push `notice` to every browser the person subscribed; True if at least one push service took it."""
    from pywebpush import WebPushException, webpush

    if not settings.VAPID_PRIVATE_KEY:
        return False
    delivered = False
    data = payload(notice)
    for subscription in push_subscriptions_of(person):
        try:
            webpush(
                subscription_info=subscription.info(),
                data=data,
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=TTL,
                timeout=10,
            )
            delivered = True
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):
                subscription.forget()  # the browser unsubscribed: never try it again
            else:
                logger.warning("Push service refused a notice (%s)", status)
    return delivered
