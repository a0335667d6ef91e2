"""The one way to write the audit log (both trees call it: `src/` is allowed this module, see
docs/architecture.md)."""

import re

from django.db import models

from tenants.audit.models import AuditAction, AuditEntry
from tenants.identity.throttling import client_address

__all__ = ["AuditAction", "audit_record"]

USER_AGENT_MAX = 200
_REQUEST_ID = re.compile(r"[^A-Za-z0-9._:-]")
_UNSET = object()


def _actor_label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return (user.email or str(user.pk))[:254]


def _target(target) -> tuple[str, str]:
    if isinstance(target, models.Model):
        return target._meta.label_lower, "" if target.pk is None else str(target.pk)
    if isinstance(target, type) and issubclass(target, models.Model):
        return target._meta.label_lower, ""
    if isinstance(target, tuple):
        kind, pk = target
        return str(kind), "" if pk is None else str(pk)
    return (str(target) if target else ""), ""


def audit_record(
    *,
    request,
    action: AuditAction,
    target=None,
    description: str = "",
    actor=None,
    comune=_UNSET,
) -> AuditEntry:
    """Write one entry: `actor` (else the request's user) did `action` on `target` (a model
    instance, a model class for a list, or a `(type, id)` pair), in the request's comune,
    from the request's address. `description` must hold no personal data.

    `request` may be None (a management command): then there is no address, no browser and,
    unless given, no comune.
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if comune is _UNSET:
        municipality = getattr(request, "municipality", None) if request is not None else None
        comune = municipality.slug if municipality is not None else None
    elif comune is not None and not isinstance(comune, str):
        comune = comune.slug
    target_type, target_id = _target(target)
    ip_address, user_agent, request_id, path = None, "", "", ""
    if request is not None:
        address = client_address(request)
        ip_address = None if address == "unknown" else address
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
        # Set by the proxy (deploy/nginx.conf: X-Request-ID $request_id); a label, never trusted further.
        request_id = _REQUEST_ID.sub("", request.META.get("HTTP_X_REQUEST_ID", ""))[:64]
        path = request.path[:200]  # the path only: a query string can carry what was searched for
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor_id=actor.pk if authenticated else None,
        actor_label=_actor_label(actor),
        action=action,
        target_type=target_type[:60],
        target_id=target_id[:64],
        description=description[:200],
        comune=comune,
        path=path,
        ip_address=ip_address,
        user_agent=user_agent,
        request_id=request_id,
    )
