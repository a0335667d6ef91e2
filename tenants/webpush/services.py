from django.db import transaction

from tenants.webpush.models import PushSubscription


@transaction.atomic
def push_subscription_save(*, user, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """Keep `user`'s browser subscription; the same endpoint again updates its row (new keys,
    or another person signed in on a shared device)."""
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]}
    )
    return subscription


def push_subscription_delete(*, user, endpoint: str) -> bool:
    """Forget `user`'s subscription at `endpoint` (another person's is never touched)."""
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return bool(deleted)
