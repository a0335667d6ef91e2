"""The first answer to a create sent with an `Idempotency-Key`, kept for 24 hours so a retry gets it back.

One table per comune's schema, so a key is scoped to the comune by construction;
`scope` narrows it to the caller (see `src/idempotency/api.py`).
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone

# How long a key is remembered (Stripe keeps them 24 hours; the IETF draft leaves it to the server).
KEY_LIFETIME = timedelta(hours=24)


class IdempotencyRecord(models.Model):
    # "user:<id>", or for an anonymous caller "anon:<sha256 of the body>": a key alone would let a
    # stranger who guessed it read someone else's answer.
    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    # sha256 of method, path and body: the same key with another request is refused, not replayed.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_once_per_scope")]

    def __str__(self):
        return f"{self.scope} · {self.key}"

    def is_expired(self, now) -> bool:
        return self.created_at <= now - KEY_LIFETIME
