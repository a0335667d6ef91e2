from django.conf import settings

from tenants.webpush.models import PushSubscription


def vapid_public_key() -> str:
    """The application server's public key (VAPID, RFC 8292) browsers subscribe with; empty
    when WEBPUSH_VAPID_PUBLIC_KEY is not set (then no page offers push)."""
    return settings.WEBPUSH_VAPID_PUBLIC_KEY


def push_subscriptions_of(user) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user=user).order_by("-updated_at"))
