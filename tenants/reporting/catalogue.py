"""The comuni's tables and states that SQL across schemas reads, taken from the models.

SQL that reads across comuni (the reporting facts, the union's list of hubs,
"le mie prenotazioni") is a template repeated for every comune schema
(`tenants.comuni.sql.union_all`), so it cannot go through the ORM. Typed by
hand, a table name or a state in it would go stale silently when a model
changes, and a report would just be wrong. So the names come from here, and here
from the models: tables from `Model._meta.db_table`, states from the models'
TextChoices and the state sets the models already define. `SQL` hands them to
the templates already quoted: `{table.booking}` is Booking's table as an
identifier, `{booking.cancelled}` that state as a literal, `{booking.occupying}`
the parenthesised list of the occupying states, ready for `IN`, and
`{booking.of_people}` the condition that leaves out the rooms held for events.

Columns come from the models too: `{column.booking.person}` is the column of
Booking's `person` field, quoted (`"person_id"`), and `select_list("booking", "b")`
every column of the table, for the data export.

This is the one place where tenants/ (the public schema's code) imports src/
models, provisioning and demo data aside: the union reads the comuni's tables
only through SQL written with these names (and, for a person's data rights,
writes them: tenants/account/erasure.py).
"""

from string import Formatter
from types import SimpleNamespace

from django.contrib.admin.models import LogEntry

from src.appointments.models import Appointment, AppointmentTransition
from src.bookings.models import ACTIVE_STATES, Booking, BookingTransition, WaitlistEntry
from src.desks.models import ServiceDesk
from src.events.models import Event, EventRegistration, RegistrationTransition
from src.hubs.models import (
    Closure,
    Hub,
    HubOperator,
    Layout,
    LayoutSchedule,
    OpeningHours,
    Seat,
    Space,
    SpecialOpening,
)
from src.idempotency.models import IdempotencyRecord
from src.payments.models import Creditor, Order, Pass, PassUse, Payment, Refund, Statement
from src.sensors.models import HourlyAggregate, Sensor
from src.sensors.models import Kind as SensorKind
from tenants.comuni.sql import quote_ident, quote_literal

# The tenant tables cross-schema SQL reads, by the name templates use: {table.<name>}.
MODELS = {
    "hub": Hub,
    "opening_hours": OpeningHours,
    "special_opening": SpecialOpening,
    "closure": Closure,
    "space": Space,
    "seat": Seat,
    "layout": Layout,
    "layout_seats": Layout.seats.through,
    "layout_schedule": LayoutSchedule,
    "service_desk": ServiceDesk,
    "appointment": Appointment,
    "booking": Booking,
    "event": Event,
    "event_registration": EventRegistration,
    # Read and written only for a person's data rights (export, erasure: tenants/account/).
    "booking_transition": BookingTransition,
    "waitlist_entry": WaitlistEntry,
    "appointment_transition": AppointmentTransition,
    "registration_transition": RegistrationTransition,
    "hub_operator": HubOperator,
    "idempotency_record": IdempotencyRecord,
    "admin_log": LogEntry,
    # Money (src/payments): revenue per creditor in the reports; a person's orders in their data export.
    "creditor": Creditor,
    "payment_order": Order,
    "payment": Payment,
    "refund": Refund,
    "pass": Pass,
    "pass_use": PassUse,
    "statement": Statement,
    # Air quality (tenants/reporting/air.py): reports and open data read the hourly aggregates only.
    "sensor": Sensor,
    "sensor_hourly": HourlyAggregate,
}

# The state types, for Python that reads what the SQL returns (labels, which items still stand).
BookingState = Booking.State
AppointmentState = Appointment.State
RegistrationState = EventRegistration.State
OrderState = Order.State
WaitlistState = WaitlistEntry.State
DeskKind = ServiceDesk.Kind
# What an appointment's name, e-mail, phone, fiscal code and details become when anonymised.
APPOINTMENT_ANONYMISED = Appointment.ANONYMISED

# A booking that holds its seat (the exclusion constraint's states): held, confirmed, checked in.
BOOKING_ACTIVE = ACTIVE_STATES
# Reports' groups (tenants/reporting/README.md, "Definitions"). "Occupying" is not
# BOOKING_ACTIVE: a held booking blocks its seat but is not a booking yet (payment
# not done), and a completed one did occupy its seat although it holds it no more.
BOOKING_OCCUPYING = (BookingState.CONFIRMED, BookingState.CHECKED_IN, BookingState.COMPLETED)
BOOKING_ATTENDED = (BookingState.CHECKED_IN, BookingState.COMPLETED)
# Rows that are no person's use of a hub: not paid yet, or called off.
BOOKING_NOT_PEOPLE = (BookingState.HELD, BookingState.CANCELLED)
# Appointments that never were: a hold awaiting its e-mail confirmation, or one that lapsed.
APPOINTMENT_NOT_PEOPLE = (AppointmentState.HELD, AppointmentState.EXPIRED)
# A room held for an event is a row of the bookings table too (src/common/occupancy.py:
# `event_id` set, no person), so the exclusion constraint covers it. It is no booking:
# every booking measure (counts, hours, occupancy, people, no-shows) leaves it out, and
# events are measured from their own tables (registrations, attendance). Every template
# that reads {table.booking} calls it `b` and adds `AND {booking.of_people}`.
BOOKING_OF_PEOPLE = f"b.{quote_ident(Booking._meta.get_field('event_id').column)} IS NULL"


def db_table(name: str) -> str:
    return MODELS[name]._meta.db_table


def _columns(model) -> SimpleNamespace:
    """Each concrete field's column, quoted, by field name (`person` -> `"person_id"`)."""
    return SimpleNamespace(**{f.name: quote_ident(f.column) for f in model._meta.concrete_fields})


def select_list(name: str, alias: str) -> str:
    """Every column of a table, as `alias."col", ...` in the model's field order (the export's columns)."""
    return ", ".join(f"{alias}.{quote_ident(f.column)}" for f in MODELS[name]._meta.concrete_fields)


def column_names(name: str) -> list[str]:
    return [f.column for f in MODELS[name]._meta.concrete_fields]


def sql_list(values) -> str:
    """('a', 'b'): values as a parenthesised list of literals, for `IN`."""
    return "(" + ", ".join(quote_literal(str(v)) for v in values) + ")"


def _states(choices, conditions=None, **groups) -> SimpleNamespace:
    """Each state as a literal ({booking.no_show}), each group as a list ({booking.occupying}),
    and ready-made conditions ({booking.of_people})."""
    names = {member.name.lower(): quote_literal(member.value) for member in choices}
    names.update({group: sql_list(values) for group, values in groups.items()})
    names.update(conditions or {})
    return SimpleNamespace(**names)


# The fields every cross-schema template is formatted with (besides {s}, {lit}, {i}).
SQL = {
    "table": SimpleNamespace(**{name: quote_ident(db_table(name)) for name in MODELS}),
    "column": SimpleNamespace(**{name: _columns(model) for name, model in MODELS.items()}),
    "booking": _states(
        BookingState,
        {"of_people": BOOKING_OF_PEOPLE},
        occupying=BOOKING_OCCUPYING,
        attended=BOOKING_ATTENDED,
        not_people=BOOKING_NOT_PEOPLE,
        active=BOOKING_ACTIVE,
    ),
    "appointment": _states(AppointmentState, not_people=APPOINTMENT_NOT_PEOPLE),
    "registration": _states(RegistrationState, seated=EventRegistration.SEATED_STATES),
    "waitlist": _states(WaitlistState, live=(WaitlistState.WAITING, WaitlistState.OFFERED)),
    "channel": _states(Booking.Channel),  # one enum for every app (src/common/channels.py)
    "refund": _states(Refund.State),
    "sensor_kind": _states(SensorKind),
}


def tables_read(template: str) -> set[str]:
    """The tables a template reads, from its {table.<name>} fields: what the reporting role is granted."""
    return {
        db_table(field.split(".", 1)[1])
        for _text, field, _spec, _conversion in Formatter().parse(template)
        if field and field.startswith("table.")
    }
