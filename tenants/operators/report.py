"""The monthly activity report of a service contract, for the comune's checks on the service.

Per hub the contract covers, over the days of the month it was in force: hours open,
bookings (cancellations and no-shows among them), check-ins, no-shows, desk
appointments (and those held), events, registrations and attendance. The figures are
the union reporting's own (tenants/reporting: facts in `sql/facts.py`, the same
definitions as the dashboards), read in one statement as the read-only reporting role.

Problems reported by the staff are not in the report: the platform records none yet.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from tenants.operators.models import ServiceContract
from tenants.reporting.schemas import ComuneSchema, comune_schemas
from tenants.reporting.selectors import run
from tenants.reporting.sql.source import LIVE, Source, Window

# The report's columns: key, heading (CSV and page).
COLUMNS = (
    ("hours_open", _("Ore di apertura")),
    ("bookings", _("Prenotazioni")),
    ("cancelled", _("Annullate")),
    ("checked_in", _("Check-in")),
    ("no_show", _("Mancate presentazioni")),
    ("appointments", _("Appuntamenti agli sportelli")),
    ("appointments_attended", _("Appuntamenti svolti")),
    ("events", _("Eventi")),
    ("registrations", _("Iscrizioni agli eventi")),
    ("attendance", _("Presenze agli eventi")),
)

_SQL = """
WITH cap AS (
  SELECT c.hub_id, c.day, max(c.open_hours) AS hours
  FROM {capacity} c
  WHERE c.hub_id = ANY(%(hubs)s) AND c.day >= %(w_start)s AND c.day < %(w_end)s
  GROUP BY c.hub_id, c.day
), opened AS (
  SELECT hub_id, sum(hours) AS hours_open FROM cap GROUP BY hub_id
), booked AS (
  SELECT b.hub_id, sum(b.bookings) AS bookings, sum(b.cancelled) AS cancelled,
         sum(b.attended) AS checked_in, sum(b.no_show) AS no_show
  FROM {bookings} b
  WHERE b.hub_id = ANY(%(hubs)s) AND b.day >= %(w_start)s AND b.day < %(w_end)s
  GROUP BY b.hub_id
), desks AS (
  SELECT a.hub_id, sum(a.appointments) AS appointments, sum(a.attended) AS appointments_attended
  FROM {appointments} a
  WHERE a.hub_id = ANY(%(hubs)s) AND a.day >= %(w_start)s AND a.day < %(w_end)s
  GROUP BY a.hub_id
), evs AS (
  SELECT e.hub_id, count(*) AS events, sum(e.registered) AS registrations, sum(e.attended) AS attendance
  FROM {events} e
  WHERE e.hub_id = ANY(%(hubs)s) AND e.day >= %(w_start)s AND e.day < %(w_end)s
  GROUP BY e.hub_id
)
SELECT h.hub_id, h.name,
       coalesce(o.hours_open, 0) AS hours_open,
       coalesce(bk.bookings, 0) AS bookings, coalesce(bk.cancelled, 0) AS cancelled,
       coalesce(bk.checked_in, 0) AS checked_in, coalesce(bk.no_show, 0) AS no_show,
       coalesce(d.appointments, 0) AS appointments, coalesce(d.appointments_attended, 0) AS appointments_attended,
       coalesce(ev.events, 0) AS events, coalesce(ev.registrations, 0) AS registrations,
       coalesce(ev.attendance, 0) AS attendance
FROM {hubs} h
LEFT JOIN opened o ON o.hub_id = h.hub_id
LEFT JOIN booked bk ON bk.hub_id = h.hub_id
LEFT JOIN desks d ON d.hub_id = h.hub_id
LEFT JOIN evs ev ON ev.hub_id = h.hub_id
WHERE h.hub_id = ANY(%(hubs)s)
ORDER BY h.name, h.hub_id
"""


@dataclass
class ReportRow:
    hub_id: int
    name: str
    figures: dict

    def values(self) -> list:
        return [self.figures[key] for key, _label in COLUMNS]


@dataclass
class ContractReport:
    contract: ServiceContract
    month: date  # the first day of the month
    start: date | None  # the days the contract was in force that month: [start, end)
    end: date | None
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days if self.start else 0

    @property
    def totals(self) -> dict:
        return {key: round(sum(row.figures[key] for row in self.rows), 2) for key, _label in COLUMNS}

    @property
    def columns(self):
        return COLUMNS


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def in_force(contract: ServiceContract, month: date) -> tuple[date, date] | None:
    """The days [start, end) of `month` in the contract's period, or None."""
    first, after = month, next_month(month)
    start = max(first, contract.valid_from)
    end = min(after, contract.valid_until) if contract.valid_until else after
    return (start, end) if start < end else None


def _number(value):
    number = float(value or 0)
    return int(number) if number.is_integer() else round(number, 2)


def contract_report(contract: ServiceContract, month: date) -> ContractReport:
    """The report of `contract` for `month`: one statement over the comune's schema."""
    month = month_start(month)
    days = in_force(contract, month)
    report = ContractReport(
        contract=contract, month=month, start=days[0] if days else None, end=days[1] if days else None
    )
    if days is None:
        return report
    comuni: list[ComuneSchema] = comune_schemas([contract.municipality.slug])
    source = Source(comuni=comuni, window=Window(*days), mode=LIVE)
    sql = _SQL.format(
        capacity=source.relation("capacity_day"),
        bookings=source.relation("booking_day"),
        appointments=source.relation("appointment_day"),
        events=source.relation("event_day"),
        hubs=source.relation("hub_dim"),
    )
    rows = run(sql, {**source.params(), "hubs": list(contract.hub_ids)})
    report.rows = [
        ReportRow(hub_id=row["hub_id"], name=row["name"], figures={key: _number(row[key]) for key, _label in COLUMNS})
        for row in rows
    ]
    return report


def month_label(month: date) -> str:
    from django.utils import formats

    return formats.date_format(month, "F Y")


def months_of(contract: ServiceContract, today: date) -> list[date]:
    """The months a report can be asked for: from the contract's first to this one (or its last), latest first."""
    last = month_start(min(today, (contract.valid_until - timedelta(days=1)) if contract.valid_until else today))
    first = month_start(contract.valid_from)
    months = []
    current = first
    while current <= last and len(months) < 240:
        months.append(current)
        current = next_month(current)
    return list(reversed(months))
