"""Reads of the firms app: a firm's people, its agreements, and the PSCL figures.

The PSCL figures (the monitoring section of the home-work travel plan, DM 179/2021) are
aggregates only, never an employee's trips: per month, and per month and work site,

- employees who worked from a hub, days worked from hubs (a day with a checked-in or
  completed booking under one of the firm's agreements, once per employee and day across
  the union), days of allowance used (days taken, whether worked or not);
- commuting avoided: for each day worked, the round trip home → work site not made, less
  the trip to the hub when it is in another comune (the same rule as the union's reports,
  tenants/reporting/README.md), km from the union's table of road distances
  (tenants/reporting/data/distanze.csv) between the employee's home comune when the day
  was booked and the comune of their site; CO2, NOx and PM10 with the factors in
  tenants/reporting/data/fattore_emissione.csv (ISPRA, average Italian car, stated on the page);
- a cell about fewer than SUPPRESSION_THRESHOLD (5) employees is left empty, as in the
  union's open data (tenants/reporting/opendata.py).

The bookings live in the comuni's schemas: one SQL statement, a UNION ALL generated over
them (tenants.comuni.sql.union_all), joined to the public ledger of covered bookings, run
as the read-only reporting role.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from tenants.comuni.selectors import municipality_list
from tenants.comuni.sql import union_all
from tenants.firms.models import Agreement, AgreementUse, Enrolment, Firm, WorkSite
from tenants.reporting.catalogue import SQL, BookingState
from tenants.reporting.commuting import distances_values_sql, emission_factors
from tenants.reporting.opendata import SUPPRESSION_THRESHOLD
from tenants.reporting.selectors import run

WORKED_STATES = (BookingState.CHECKED_IN, BookingState.COMPLETED)


def firm_people(firm: Firm):
    """Invited and enrolled people (those who left are no longer listed: their rows stay, nameless)."""
    return (
        Enrolment.objects.filter(firm=firm, state__in=Enrolment.LIVE)
        .exclude(state=Enrolment.State.ACTIVE, user__isnull=True)  # an erased account
        .select_related("user", "site")
        .order_by("state", "user__last_name", "user__first_name", "email")
    )


def firm_enrolment_get(firm: Firm, enrolment_id) -> Enrolment | None:
    if not str(enrolment_id).isdigit():
        return None
    return firm_people(firm).filter(pk=enrolment_id).first()


def firm_agreements(firm: Firm):
    return Agreement.objects.filter(firm=firm).select_related("municipality").prefetch_related("sites", "hubs")


def person_enrolments(user):
    return Enrolment.objects.filter(user=user, state=Enrolment.State.ACTIVE).select_related("firm", "site")


# --- PSCL ------------------------------------------------------------------------------------


_BRANCH = """SELECT {lit}::text AS comune, b.code::text AS code, b.state::text AS state
FROM {s}.{table.booking} b
WHERE b.agreement_id = ANY(%(agreements)s)
  AND lower(b.period) >= %(start_ts)s AND lower(b.period) < %(end_ts)s"""


def pscl_sql(schemas: list[str]) -> str:
    bookings = union_all(
        _BRANCH,
        schemas,
        empty="SELECT NULL::text AS comune, NULL::text AS code, NULL::text AS state WHERE false",
        **SQL,
    )
    worked = "(" + ", ".join(f"'{state}'" for state in WORKED_STATES) + ")"
    return f"""
WITH dist(origin, destination, km) AS ({distances_values_sql()}),
b AS ({bookings}),
days AS (
  SELECT DISTINCT ON (u.enrolment_id, u.day) u.enrolment_id, u.day, u.site_id, u.home_istat_code,
         m.istat_code AS hub_istat, ws.istat_code AS site_istat
  FROM public.firms_agreementuse u
  JOIN public.comuni_municipality m ON m.id = u.municipality_id
  JOIN b ON b.comune = m.schema_name::text AND b.code = u.booking_code
  LEFT JOIN public.firms_worksite ws ON ws.id = u.site_id
  WHERE u.agreement_id = ANY(%(agreements)s) AND u.released_at IS NULL
    AND u.day >= %(start)s AND u.day < %(end)s AND b.state IN {worked}
  ORDER BY u.enrolment_id, u.day, u.id
), trips AS (
  SELECT date_trunc('month', d.day::timestamp)::date AS month, d.site_id, d.enrolment_id,
         CASE WHEN dw.km IS NULL OR dh.km IS NULL THEN NULL ELSE 2 * greatest(dw.km - dh.km, 0) END AS km
  FROM days d
  LEFT JOIN dist dw ON dw.origin = d.home_istat_code AND dw.destination = d.site_istat
  LEFT JOIN dist dh ON dh.origin = d.home_istat_code AND dh.destination = d.hub_istat
)
SELECT month, site_id, GROUPING(site_id) AS all_sites,
       count(*) AS days_worked, count(DISTINCT enrolment_id) AS people,
       coalesce(sum(km), 0) AS km, count(*) FILTER (WHERE km IS NULL) AS not_computable
FROM trips
GROUP BY GROUPING SETS ((month), (month, site_id))
ORDER BY month, all_sites DESC, site_id
"""


@dataclass
class PsclRow:
    month: date
    site: WorkSite | None  # None: every site
    people: int | None
    days_worked: int | None
    allowance_days: int | None
    km: float | None
    kg_co2: float | None
    g_nox: float | None
    g_pm10: float | None
    not_computable: int | None
    suppressed: bool = False


@dataclass
class Pscl:
    firm: Firm
    year: int
    rows: list[PsclRow] = field(default_factory=list)
    factors: dict = field(default_factory=dict)
    threshold: int = SUPPRESSION_THRESHOLD

    @property
    def months(self) -> list[PsclRow]:
        return [row for row in self.rows if row.site is None]

    @property
    def by_site(self) -> list[PsclRow]:
        return [row for row in self.rows if row.site is not None]

    @property
    def totals(self) -> dict:
        shown = self.months
        return {
            "days_worked": sum(r.days_worked or 0 for r in shown),
            "km": sum(r.km or 0 for r in shown),
            "kg_co2": sum(r.kg_co2 or 0 for r in shown),
            "g_nox": sum(r.g_nox or 0 for r in shown),
            "g_pm10": sum(r.g_pm10 or 0 for r in shown),
            "suppressed": any(r.suppressed for r in shown),
        }


def _allowance_by_month(agreement_ids: list[int], start: date, end: date) -> dict:
    """Days of allowance taken, per (month, site id) and per month (site key None)."""
    uses = AgreementUse.objects.filter(
        agreement_id__in=agreement_ids, counts_day=True, released_at__isnull=True, day__gte=start, day__lt=end
    ).annotate(month=TruncMonth("day"))
    taken: dict = {}
    for row in uses.values("month", "site_id").annotate(days=Count("id"), people=Count("enrolment", distinct=True)):
        taken[(row["month"], row["site_id"])] = row["days"]
    for row in uses.values("month").annotate(days=Count("id")):
        taken[(row["month"], None)] = row["days"]
    return taken


def firm_pscl(firm: Firm, year: int) -> Pscl:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    agreement_ids = list(Agreement.objects.filter(firm=firm).values_list("pk", flat=True))
    factors = emission_factors()
    pscl = Pscl(firm=firm, year=year, factors=factors)
    if not agreement_ids:
        return pscl
    from tenants.reporting.sql.source import local_midnight

    schemas = [m.schema_name for m in municipality_list()]
    params = {
        "agreements": agreement_ids,
        "start": start,
        "end": end,
        "start_ts": local_midnight(start),
        "end_ts": local_midnight(end),
    }
    sites = {site.pk: site for site in firm.sites.all()}
    taken = _allowance_by_month(agreement_ids, start, end)
    for row in run(pscl_sql(schemas), params, label="firm_pscl"):
        site = None if row["all_sites"] else sites.get(row["site_id"])
        if not row["all_sites"] and site is None:
            continue  # employees without a site are in the month's total only
        people = int(row["people"])
        km = float(row["km"])
        hidden = people < SUPPRESSION_THRESHOLD
        pscl.rows.append(
            PsclRow(
                month=row["month"],
                site=site,
                people=None if hidden else people,
                days_worked=None if hidden else int(row["days_worked"]),
                allowance_days=None if hidden else taken.get((row["month"], None if site is None else site.pk), 0),
                km=None if hidden else km,
                kg_co2=None if hidden else km * factors["co2"].grams_per_km / 1000,
                g_nox=None if hidden else km * factors["nox"].grams_per_km,
                g_pm10=None if hidden else km * factors["pm10"].grams_per_km,
                not_computable=None if hidden else int(row["not_computable"]),
                suppressed=hidden,
            )
        )
    return pscl


def firm_summary(firm: Firm) -> dict:
    """Counts for the area's header: enrolled, invited, left (ever)."""
    counts = Enrolment.objects.filter(firm=firm).aggregate(
        enrolled=Count("id", filter=Q(state=Enrolment.State.ACTIVE, user__isnull=False)),
        invited=Count("id", filter=Q(state=Enrolment.State.INVITED)),
        left=Count("id", filter=Q(state__in=[Enrolment.State.LEFT, Enrolment.State.REMOVED])),
    )
    counts["days_taken"] = (
        AgreementUse.objects.filter(agreement__firm=firm, counts_day=True, released_at__isnull=True).aggregate(
            n=Count("id")
        )["n"]
        or 0
    )
    return counts


def agreement_owed(agreement: Agreement) -> dict:
    """What the firm owes under the agreement so far (until payments exist): per-day amounts."""
    return AgreementUse.objects.filter(agreement=agreement, released_at__isnull=True, payer="firm").aggregate(
        amount_cents=Sum("amount_cents"), days=Count("id", filter=Q(counts_day=True))
    )
