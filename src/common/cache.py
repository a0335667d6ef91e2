"""Read-mostly data of a comune (its catalogue, its booking policy) cached between requests.

Keys carry the comune's schema (settings.CACHES uses django_tenants.cache.make_key),
so one comune never reads another's. Each namespace has a version token: a change
bumps it (from a post_save/post_delete signal), and every key of the old version
is simply never read again. With several processes, the cache must be shared
(REDIS_URL) for a change to reach them all at once; without it each process sees
the change at the latest after TIMEOUT. A value read inside a transaction that later
rolls back may also live until TIMEOUT: the version is bumped again when the changing
transaction commits, not when it rolls back.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 60
_MISSING = object()


def _version_key(namespace: str) -> str:
    return f"v:{namespace}"


def namespace_version(namespace: str) -> str:
    version = cache.get(_version_key(namespace))
    if version is None:
        version = uuid.uuid4().hex[:12]
        # add, not set: two processes starting at once agree on one token.
        if not cache.add(_version_key(namespace), version, None):
            version = cache.get(_version_key(namespace)) or version
    return version


def namespace_changed(namespace: str) -> None:
    """Forget the namespace's cached values now, and again once the transaction commits
    (a read between the change and the commit may have cached a value too early)."""

    def bump():
        cache.set(_version_key(namespace), uuid.uuid4().hex[:12], None)

    bump()
    transaction.on_commit(bump)


def cached(namespace: str, name: str, build, *parts, timeout: int = TIMEOUT, keep_none: bool = True):
    """`build()` once per (namespace version, name, parts), then from the cache.

    `keep_none=False`: a None from `build()` is not kept (a row looked up by id that does not
    exist yet may be created without a signal, by bulk_create, and must then be found)."""
    # The parts may carry a request's whole query string (a probe's can be kilobytes long):
    # hashed, a key stays short whatever was asked (memcached refuses keys past 250 bytes).
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]
    key = ":".join([namespace, namespace_version(namespace), name, digest])
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        if value is not None or keep_none:
            cache.set(key, value, timeout)
    return value
