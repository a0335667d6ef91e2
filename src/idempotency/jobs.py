"""Forget idempotency keys older than their lifetime, so the table stays small."""

from datetime import datetime

from django.utils import timezone

from src.common.jobs import job
from src.idempotency.models import KEY_LIFETIME, IdempotencyRecord


@job("idempotency_keys_expired", order=90)
def idempotency_records_expire(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lte=now - KEY_LIFETIME).delete()
    return deleted
