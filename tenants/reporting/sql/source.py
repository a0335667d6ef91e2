"""Where a measure reads a fact from: a generated UNION ALL over the comuni, or its rollup table.

Live: one branch per comune schema, each reading only the window asked for
(the bounds are query parameters inside every branch, so PostgreSQL filters
before it appends). The branches come from the Municipality table at query
time, so a comune added a minute ago is already in.

Rollup: `reporting_rollup.<fact>`, filled by `rollup.rollup_refresh()` from the
very same UNION ALL. Hundreds of comuni make the live union long to plan and
to scan; the rollups make the dashboard read a few small tables instead.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from tenants.comuni.sql import union_all
from tenants.reporting.catalogue import SQL
from tenants.reporting.schemas import ComuneSchema
from tenants.reporting.sql.facts import FACTS, Fact

ROLLUP_SCHEMA = "reporting_rollup"
LIVE = "live"
ROLLUP = "rollup"


def tz_literal() -> str:
    name = settings.TIME_ZONE
    if not re.match(r"^[A-Za-z_]+(/[A-Za-z_]+)*$", name):
        raise ValueError(f"Unexpected time zone name {name!r}")
    return f"'{name}'"


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass(frozen=True)
class Window:
    """Local days [start, end) a query may touch."""

    start: date
    end: date

    def params(self) -> dict:
        return {
            "w_start": self.start,
            "w_end": self.end,
            "w_start_ts": local_midnight(self.start),
            "w_end_ts": local_midnight(self.end),
        }


def union_all_sql(fact: Fact, comuni: list[ComuneSchema]) -> str:
    """The fact over every comune in `comuni`, as one relation with the fact's column names."""
    branches = union_all(fact.template, [c.schema for c in comuni], empty=fact.empty_sql(), tz=tz_literal(), **SQL)
    return f"(SELECT * FROM ({branches}) AS u({', '.join(fact.column_names)}))"


def rollup_table(fact_name: str) -> str:
    return f"{ROLLUP_SCHEMA}.{fact_name}"


@dataclass
class Source:
    comuni: list[ComuneSchema]
    window: Window
    mode: str = LIVE

    def relation(self, fact_name: str) -> str:
        fact = FACTS[fact_name]
        if self.mode == ROLLUP:
            return rollup_table(fact.name)
        return union_all_sql(fact, self.comuni)

    def params(self) -> dict:
        return {**self.window.params(), "comuni": [c.schema for c in self.comuni]}
