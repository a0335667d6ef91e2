"""Comuni's schema names as SQL identifiers, safe to paste into generated SQL.

The few places that read across comuni (the union's lists, reporting) generate a
UNION ALL over the schemas. Schema names come from the Municipality table, so
they are data: each is checked against PostgreSQL's unquoted-identifier shape
and then quoted anyway.
"""

import re

_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_schema_name(name: str) -> str:
    if not _SCHEMA.match(name or ""):
        raise ValueError(f"Not a valid comune schema name: {name!r}")
    return name


def quote_ident(name: str) -> str:
    check_schema_name(name)
    return '"' + name + '"'


def quote_literal(name: str) -> str:
    check_schema_name(name)
    return "'" + name + "'"
