"""Who changed what, and when: API writes land in the same log as the admin's.

Django admin's LogEntry table lives in each comune's schema (django.contrib.admin
is a tenant app), so one history per comune shows changes from both channels.
"""

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType

__all__ = ["ADDITION", "CHANGE", "DELETION", "change_record"]


def _content_type(obj) -> ContentType:
    # Not ContentType.objects.get_for_model: its per-process cache is shared by all
    # schemas, and content type ids are not promised to match between schemas.
    meta = obj._meta
    return ContentType.objects.get(app_label=meta.app_label, model=meta.model_name)


def change_record(*, user, obj, action: int, fields: list[str] | None = None, channel: str = "API") -> LogEntry:
    """Record `action` (ADDITION, CHANGE or DELETION) on `obj` by `user`.

    The message uses the admin's JSON shape, so the object's admin history
    shows it like the admin's own entries.
    """
    if action == ADDITION:
        message = [{"added": {}}]
    elif action == CHANGE:
        message = [{"changed": {"fields": sorted(fields or [])}}]
    else:
        message = [{"deleted": {"name": str(obj._meta.verbose_name), "object": str(obj)}}]
    # The channel rides along as an extra key, which the admin's renderer ignores.
    message[0]["channel"] = channel
    return LogEntry.objects.create(
        user_id=user.pk,
        content_type=_content_type(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=action,
        change_message=json.dumps(message),
    )
