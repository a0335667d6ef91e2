"""The dashboard's and the API's filters (period, comune, hub) read from the query string.

Bad values are not errors on a page: they fall back to the default and say so.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from src.common.time import parse_day
from tenants.reporting.periods import KINDS, MONTH, Period, default_period
from tenants.reporting.schemas import ComuneSchema
from tenants.reporting.selectors import ReportQuery

BIGINT_MAX = 2**63 - 1  # hub ids are bigint: a longer number is no hub


@dataclass
class Filters:
    query: ReportQuery
    kind: str
    day: date
    comune: str = ""
    hub: str = ""
    problems: list[str] = field(default_factory=list)

    def querystring(self) -> str:
        from urllib.parse import urlencode

        params = {"periodo": self.kind, "data": self.day.isoformat()}
        if self.comune:
            params["comune"] = self.comune
        if self.hub:
            params["hub"] = self.hub
        return urlencode(params)


def filters_from(params, allowed: list[ComuneSchema], *, comune_filter: bool = True) -> Filters:
    """A ReportQuery limited to `allowed` comuni (already checked against the person's roles)."""
    problems = []
    kind = params.get("periodo") or MONTH
    if kind not in KINDS:
        problems.append(_("Periodo non valido: mostro il mese."))
        kind = MONTH
    day = default_period(kind).start
    if params.get("data"):
        asked = parse_day(params["data"])  # None when malformed or outside the years the project keeps
        if asked is None:
            problems.append(_("Data non valida: mostro il periodo in corso."))
        else:
            day = asked
    period = Period.containing(kind, day)

    comuni = list(allowed)
    comune = ""
    if comune_filter and params.get("comune"):
        chosen = [c for c in allowed if c.slug == params["comune"]]
        if chosen:
            comuni, comune = chosen, chosen[0].slug
        else:
            problems.append(_("Comune non disponibile: mostro tutti i comuni."))

    hub, hub_value = None, ""
    if params.get("hub"):
        slug, _sep, hub_id = params["hub"].partition(":")
        target = next((c for c in comuni if c.slug == slug), None)
        if target is not None and hub_id.isascii() and hub_id.isdigit() and int(hub_id) <= BIGINT_MAX:
            hub, hub_value = (target.schema, int(hub_id)), params["hub"]
            comuni = [target]
        else:
            problems.append(_("Hub non valido: mostro tutti gli hub."))
    return Filters(
        query=ReportQuery(comuni=comuni, period=period, hub=hub),
        kind=kind,
        day=period.start,
        comune=comune,
        hub=hub_value,
        problems=problems,
    )
