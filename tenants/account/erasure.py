"""Erasing a person's account ("cancella il mio account"): the right to erasure (GDPR art. 17).

The person's rows stay, so the statistics keep their counts, but nothing in them leads
back to the person any more. In one transaction:

1. In every comune, with ONE statement per table for all comuni (`tenants.comuni.sql.with_each`:
   a WITH item per schema, table and column names from `tenants.reporting.catalogue`):
   - bookings: the person's future active ones are cancelled (their seats free; the
     waitlist pass of the next jobs round offers them), each with its history row, and
     the days those under a firm's agreement took go back to the allowance; every
     booking of theirs then points at the one "utente cancellato" account (a booking needs
     a person or an event: a check constraint), their history rows lose who wrote them and
     the notes; bookings they made for others as operators lose `created_by`;
   - waitlist entries: cancelled if live, and pointed at "utente cancellato";
   - appointments: future ones cancelled (with their history row); name, e-mail, phone,
     fiscal code and details anonymised; the link to the account emptied;
   - event registrations: future ones cancelled (with their history row: the next jobs
     round seats the waitlist in the freed places); the link to the account emptied;
   - hub assignments of an operator deleted; saved API answers (idempotency keys) deleted;
   - the admin's history: entries they wrote point at "utente cancellato", and their
     name, e-mail, phone and fiscal code are replaced where an entry quotes them.
2. In the public schema: roles, commute profile, settings and every other row that
   belongs to the account are deleted, the union admin's history is scrubbed as above,
   the sessions end, and the account itself is deleted. Every foreign key to the people
   table is then checked at once: if anything anywhere still referred to the person, the
   whole erasure would roll back rather than leave a dangling half.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from tenants.comuni.sql import quote_ident, union_all, with_each
from tenants.identity.agreements import agreement_cover_release
from tenants.identity.models import User
from tenants.identity.selectors import ERASED_EMAIL
from tenants.identity.services import erased_person_get, sessions_end_all
from tenants.reporting.catalogue import APPOINTMENT_ANONYMISED, SQL
from tenants.reporting.schemas import comune_schemas

ERASED_LABEL = "Utente cancellato"
NOTE = "account cancellato dalla persona"

# Every foreign key from a comune's table to the people table, and the statement below that
# takes care of it: tests/gdpr checks this against the database's own list of foreign keys,
# so a new table that refers to people cannot be forgotten here.
HANDLED = {
    ("booking", "person"),
    ("booking", "created_by"),
    ("booking_transition", "actor"),
    ("waitlist_entry", "person"),
    ("appointment", "person"),
    ("appointment_transition", "by"),
    ("event_registration", "person"),
    ("registration_transition", "by"),
    ("hub_operator", "user"),
    ("admin_log", "user"),
    ("payment_order", "person"),
    ("pass", "person"),
    ("refund", "done_by"),
    ("statement", "marked_by"),
}

# What a person's future active booking means: still holding its place, not over yet.
_FUTURE_BOOKING = "old.{column.booking.state} IN {booking.active} AND upper(old.{column.booking.period}) > %(now)s"
# A booking of the person's own (not one they made for someone else at the front desk).
_MINE = "coalesce(old.{column.booking.person} = %(person)s, false)"

STATEMENTS = {
    "bookings": """
b{i} AS (
  UPDATE {s}.{table.booking} b SET
    {column.booking.person} = CASE WHEN old.{column.booking.person} = %(person)s
                                   THEN %(erased)s ELSE old.{column.booking.person} END,
    {column.booking.created_by} = CASE WHEN old.{column.booking.created_by} = %(person)s
                                       THEN NULL ELSE old.{column.booking.created_by} END,
    {column.booking.state} = CASE WHEN MINE AND FUTURE THEN {booking.cancelled} ELSE old.{column.booking.state} END,
    {column.booking.hold_expires_at} = CASE WHEN MINE AND FUTURE
                                            THEN NULL ELSE old.{column.booking.hold_expires_at} END
  FROM {s}.{table.booking} old
  WHERE old.id = b.id AND (old.{column.booking.person} = %(person)s OR old.{column.booking.created_by} = %(person)s)
  RETURNING b.id, MINE AS mine, old.{column.booking.state} AS from_state, b.{column.booking.state} AS to_state,
    CASE WHEN MINE AND FUTURE AND old.{column.booking.agreement} IS NOT NULL
         THEN b.{column.booking.code} END AS covered_code
), bh{i} AS (
  UPDATE {s}.{table.booking_transition} t SET
    {column.booking_transition.actor} = CASE WHEN t.{column.booking_transition.actor} = %(person)s
                                             THEN NULL ELSE t.{column.booking_transition.actor} END,
    {column.booking_transition.note} = CASE WHEN t.{column.booking_transition.booking} IN (SELECT id FROM b{i} WHERE mine)
                                            THEN '' ELSE t.{column.booking_transition.note} END
  WHERE t.{column.booking_transition.actor} = %(person)s
     OR t.{column.booking_transition.booking} IN (SELECT id FROM b{i} WHERE mine)
  RETURNING 1
), bc{i} AS (
  INSERT INTO {s}.{table.booking_transition} ({column.booking_transition.booking}, {column.booking_transition.from_state},
    {column.booking_transition.to_state}, {column.booking_transition.actor}, {column.booking_transition.at},
    {column.booking_transition.channel}, {column.booking_transition.note})
  SELECT id, from_state, to_state, NULL, %(now)s, {channel.system}, %(note)s FROM b{i} WHERE from_state <> to_state
  RETURNING 1
)""".replace("FUTURE", _FUTURE_BOOKING).replace("MINE", _MINE),
    "waitlist": """
w{i} AS (
  UPDATE {s}.{table.waitlist_entry} w SET
    {column.waitlist_entry.person} = %(erased)s,
    {column.waitlist_entry.state} = CASE WHEN w.{column.waitlist_entry.state} IN {waitlist.live}
                                         THEN {waitlist.cancelled} ELSE w.{column.waitlist_entry.state} END
  WHERE w.{column.waitlist_entry.person} = %(person)s
  RETURNING 1
)""",
    "appointments": """
a{i} AS (
  UPDATE {s}.{table.appointment} a SET
    {column.appointment.person} = NULL,
    {column.appointment.applicant_name} = %(anonymised)s,
    {column.appointment.email} = '',
    {column.appointment.phone} = '',
    {column.appointment.fiscal_code} = '',
    {column.appointment.details} = '',
    {column.appointment.state} = CASE WHEN FUTURE THEN {appointment.cancelled} ELSE old.{column.appointment.state} END
  FROM {s}.{table.appointment} old
  WHERE old.id = a.id AND old.{column.appointment.person} = %(person)s
  RETURNING a.id, old.{column.appointment.state} AS from_state, a.{column.appointment.state} AS to_state
), ah{i} AS (
  UPDATE {s}.{table.appointment_transition} t SET {column.appointment_transition.by} = NULL
  WHERE t.{column.appointment_transition.by} = %(person)s
  RETURNING 1
), ac{i} AS (
  INSERT INTO {s}.{table.appointment_transition} ({column.appointment_transition.appointment},
    {column.appointment_transition.from_state}, {column.appointment_transition.to_state},
    {column.appointment_transition.at}, {column.appointment_transition.by}, {column.appointment_transition.channel})
  SELECT id, from_state, to_state, %(now)s, NULL, {channel.system} FROM a{i} WHERE from_state <> to_state
  RETURNING 1
)""".replace(
        "FUTURE",
        "old.{column.appointment.state} = {appointment.booked} AND lower(old.{column.appointment.period}) > %(now)s",
    ),
    "registrations": """
r{i} AS (
  UPDATE {s}.{table.event_registration} r SET
    {column.event_registration.person} = NULL,
    {column.event_registration.state} = CASE
      WHEN old.{column.event_registration.state} IN ({registration.registered}, {registration.waitlisted})
           AND e.{column.event.starts_at} > %(now)s
      THEN {registration.cancelled} ELSE old.{column.event_registration.state} END
  FROM {s}.{table.event_registration} old, {s}.{table.event} e
  WHERE old.id = r.id AND e.id = old.{column.event_registration.event}
    AND old.{column.event_registration.person} = %(person)s
  RETURNING r.id, old.{column.event_registration.state} AS from_state, r.{column.event_registration.state} AS to_state
), rh{i} AS (
  UPDATE {s}.{table.registration_transition} t SET {column.registration_transition.by} = NULL
  WHERE t.{column.registration_transition.by} = %(person)s
  RETURNING 1
), rc{i} AS (
  INSERT INTO {s}.{table.registration_transition} ({column.registration_transition.registration},
    {column.registration_transition.from_state}, {column.registration_transition.to_state},
    {column.registration_transition.at}, {column.registration_transition.by}, {column.registration_transition.channel})
  SELECT id, from_state, to_state, %(now)s, NULL, {channel.system} FROM r{i} WHERE from_state <> to_state
  RETURNING 1
)""",
    "hub_operators": """
o{i} AS (
  DELETE FROM {s}.{table.hub_operator} o WHERE o.{column.hub_operator.user} = %(person)s RETURNING 1
)""",
    # Orders, payments and refunds are accounting records the comune must keep (GDPR art. 17(3)(b)):
    # they point at "utente cancellato" and lose the e-mail address; the payer's name and fiscal
    # code stay on the order, as on the pagoPA position and the receipt issued in that name.
    "payments": """
po{i} AS (
  UPDATE {s}.{table.payment_order} o SET
    {column.payment_order.person} = %(erased)s,
    {column.payment_order.payer_email} = ''
  WHERE o.{column.payment_order.person} = %(person)s
  RETURNING 1
), pp{i} AS (
  UPDATE {s}.{table.pass} p SET {column.pass.person} = %(erased)s WHERE p.{column.pass.person} = %(person)s
  RETURNING 1
), pr{i} AS (
  UPDATE {s}.{table.refund} r SET {column.refund.done_by} = NULL WHERE r.{column.refund.done_by} = %(person)s
  RETURNING 1
), ps{i} AS (
  UPDATE {s}.{table.statement} st SET {column.statement.marked_by} = NULL
  WHERE st.{column.statement.marked_by} = %(person)s
  RETURNING 1
)""",
    "idempotency": """
k{i} AS (
  -- The scope src/idempotency/api.py gives a signed-in caller's keys.
  DELETE FROM {s}.{table.idempotency_record} k WHERE k.{column.idempotency_record.scope} = 'user:' || %(person)s
  RETURNING 1
)""",
    "admin_log": """
l{i} AS (
  UPDATE {s}.{table.admin_log} l SET
    {column.admin_log.user} = CASE WHEN l.{column.admin_log.user} = %(person)s
                                   THEN %(erased)s ELSE l.{column.admin_log.user} END,
    {column.admin_log.object_repr} = left(SCRUB(l.{column.admin_log.object_repr}), 200),
    {column.admin_log.change_message} = SCRUB(l.{column.admin_log.change_message})
  WHERE l.{column.admin_log.user} = %(person)s
     OR QUOTES(l.{column.admin_log.object_repr}) OR QUOTES(l.{column.admin_log.change_message})
  RETURNING 1
)""",
}

# The first WITH item of each statement: what its per-comune counts count.
_COUNTED = {
    "bookings": "b",
    "waitlist": "w",
    "appointments": "a",
    "registrations": "r",
    "hub_operators": "o",
    "payments": "po",
    "idempotency": "k",
    "admin_log": "l",
}

# What a statement returns per comune besides its count: the codes of the bookings it cancelled
# under a firm's agreement, whose days go back to the allowance (as `booking_move` does).
_RELEASED = {"bookings": "coalesce(array_remove(array_agg(covered_code), NULL), ARRAY[]::varchar[])"}

# The values an admin history entry may quote (its object's name, a change's message).
_QUOTED = ("q_name", "q_email", "q_fiscal_code", "q_phone")


def _scrub(column: str) -> str:
    """`column` with every quoted value replaced by the erased label (an empty value replaces nothing)."""
    for value in _QUOTED:
        column = f"replace({column}, %({value})s, %(erased_label)s)"
    return column


def _quotes(column: str) -> str:
    return "(" + " OR ".join(f"(%({value})s <> '' AND strpos({column}, %({value})s) > 0)" for value in _QUOTED) + ")"


def _expand_scrub(template: str) -> str:
    """SCRUB(x) and QUOTES(x) of the admin-log statement, spelled out in SQL."""
    template = re.sub(r"SCRUB\(([^)]*)\)", lambda m: _scrub(m.group(1)), template)
    return re.sub(r"QUOTES\(([^)]*)\)", lambda m: _quotes(m.group(1)), template)


def erasure_sql(name: str, schemas: list[str]) -> str:
    """The one statement that does `name` in every schema of `schemas`; it returns (schema index, rows,
    codes of bookings whose agreement day goes back)."""
    counted = _COUNTED[name]
    released = _RELEASED.get(name, "ARRAY[]::varchar[]")
    then = union_all(
        f"SELECT {{i}} AS comune_index, count(*) AS changed, {released} AS released FROM {counted}{{i}}", schemas
    )
    return with_each(_expand_scrub(STATEMENTS[name]), schemas, then=then, **SQL)


def _quoted_values(person: User) -> dict:
    # Short values (a two-letter name) would replace too much of other text: left alone.
    def long_enough(value):
        return value if value and len(value) >= 4 else ""

    return {
        "q_name": long_enough(person.get_full_name()),
        "q_email": long_enough(person.email),
        "q_fiscal_code": long_enough(person.fiscal_code),
        "q_phone": long_enough(person.phone),
        "erased_label": ERASED_LABEL,
    }


class ErasureRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ErasureResult:
    changed: dict[str, int]  # statement -> rows changed in all comuni


def _public_only(model) -> bool:
    """A model whose table lives only in the public schema (a shared app, not a comune's)."""
    app = model._meta.app_config.name
    return app in settings.SHARED_APPS and app not in settings.TENANT_APPS


def _delete_public_rows(person: User) -> None:
    """Every row of the public schema that belongs to the account, as Django's delete would
    (roles, commute profile, settings, and whatever later apps hang on the account). The
    comuni's tables, and the admin's history (in both), were handled by the statements above."""
    person.groups.clear()
    person.user_permissions.clear()
    for relation in User._meta.related_objects:
        model = relation.related_model
        if not _public_only(model) or relation.many_to_many:
            continue
        rows = model._base_manager.filter(**{relation.field.name: person})
        if relation.on_delete is models.CASCADE:
            rows.delete()
        elif relation.on_delete is models.SET_NULL:
            rows.update(**{relation.field.name: None})


def account_erase(*, user, now=None) -> ErasureResult:
    """Anonymise `user` in every comune and delete their account (see the module's docstring)."""
    now = now or timezone.now()
    if user.email == ERASED_EMAIL:
        raise ErasureRefused(_("Questo account rappresenta le persone cancellate: non si cancella."))
    if user.is_superuser:
        raise ErasureRefused(
            _("Un account di superutente non si cancella da qui: chiedi a un altro amministratore dell'Unione.")
        )
    schemas = [c.schema for c in comune_schemas()]
    changed = {}
    with schema_context(settings.PUBLIC_SCHEMA_NAME), transaction.atomic():
        # Locked first: a booking made meanwhile in another tab waits, then finds no person.
        person = User.objects.select_for_update().get(pk=user.pk)
        erased = erased_person_get()
        params = {
            "person": person.pk,
            "erased": erased.pk,
            "now": now,
            "note": NOTE,
            "anonymised": APPOINTMENT_ANONYMISED,
            **_quoted_values(person),
        }
        with connection.cursor() as cursor:
            for name in STATEMENTS:
                # The admin's history lives in the public schema too (the union admin's).
                where = [*schemas, settings.PUBLIC_SCHEMA_NAME] if name == "admin_log" else schemas
                if where:
                    cursor.execute(erasure_sql(name, where), params)
                    rows = cursor.fetchall()
                    changed[name] = sum(count for _index, count, _released in rows)
                    for index, _count, codes in rows:
                        for code in codes:
                            agreement_cover_release(booking_code=code, now=now, schema=where[index])
            public = quote_ident(settings.PUBLIC_SCHEMA_NAME)
            _delete_public_rows(person)
            changed["sessions"] = sessions_end_all(person)
            cursor.execute(f"DELETE FROM {public}.{quote_ident(User._meta.db_table)} WHERE id = %s", [person.pk])
            # Every foreign key to the people table, in every schema, checked now rather than at
            # commit: a reference left anywhere fails the erasure here, and all of it rolls back.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return ErasureResult(changed=changed)
