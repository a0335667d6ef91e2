"""Generated SQL across the comuni's schemas: names quoted, and the one UNION ALL builder.

The few places that read across comuni (the union's lists, reporting, a person's
data export) generate a UNION ALL over the schemas; the one place that writes across
comuni (erasing a person's data) generates one statement whose WITH items change
every schema (`with_each`). Schema names come from the Municipality table, so
they are data: each is checked against PostgreSQL's unquoted-identifier shape
and then quoted anyway. Table names and state values pasted into the same SQL
(see tenants/reporting/catalogue.py) go through the same check and quoting.
"""

import re
from collections.abc import Sequence

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


def _per_schema(templates: str | Sequence[str], schemas: Sequence[str], fields: dict) -> list[str]:
    if isinstance(templates, str):
        templates = [templates]
    return [
        template.format(s=quote_ident(schema), lit=quote_literal(schema), i=i, **fields).strip()
        for i, schema in enumerate(schemas)
        for template in templates
    ]


def union_all(
    templates: str | Sequence[str], schemas: Sequence[str], *, empty: str | None = None, **fields: object
) -> str:
    """`templates` repeated for every schema in `schemas`, joined by UNION ALL.

    Every cross-schema read builds its SQL here, so the schema is quoted the
    same way everywhere. Each branch is a template formatted with:

    - `{s}`: the schema as a quoted identifier (`{s}.{table.hub}`);
    - `{lit}`: the schema as a string literal, to tag a row with its comune;
    - `{i}`: the schema's position in `schemas`, to map a row back to the caller's list;
    - `fields`: the same in every branch (table names, states, the time zone...).

    Several templates give several branches per schema, in that order. Each branch
    is parenthesised, so it may carry its own WITH or ORDER BY. With no schema the
    result is `empty` (a SELECT with the right columns and no rows), since an
    empty UNION is not SQL; without `empty` that is an error.
    """
    branches = ["(" + branch + ")" for branch in _per_schema(templates, schemas, fields)]
    if not branches:
        if empty is None:
            raise ValueError("A UNION ALL over no schema: pass `empty`, or do not query at all")
        branches = ["(" + empty + ")"]
    return "\nUNION ALL\n".join(branches)


def with_each(items: str, schemas: Sequence[str], *, then: str, **fields: object) -> str:
    """One statement that writes in every schema of `schemas`: `WITH <items>, <items>... <then>`.

    PostgreSQL has no UPDATE over a UNION, but a data-modifying statement may sit in a
    WITH item, and every WITH item runs, in one statement and one snapshot. `items` is
    one or more WITH items for a schema, formatted like a `union_all` branch; name them
    with `{i}` so they are unique (`w{i} AS (UPDATE {s}.{table.booking} ... RETURNING 1)`).
    `then` is the statement's final query, usually a `union_all` over those names
    (`SELECT {i} AS comune_index, count(*) FROM w{i}`) to say what changed where.
    """
    if not schemas:
        raise ValueError("A write across no schema: do not run it at all")
    return "WITH " + ",\n".join(_per_schema(items, schemas, fields)) + "\n" + then
