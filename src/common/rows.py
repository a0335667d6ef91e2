"""Rows written together in one statement, on paths where each round trip to PostgreSQL counts
(a booking: the booking, its first transition and its e-mail in the outbox)."""

from collections.abc import Sequence

from django.contrib.postgres.fields import RangeField
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery


def _insert_sql(obj: Model) -> tuple[str, list]:
    """What `obj.save()` would send (every field, default and pre_save), with RETURNING of the
    primary key. Django's compiler writes the text once per model and shape (which fields hold
    an expression, and which); each row then only prepares its values, as the compiler would."""
    meta = obj._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    values = [f.pre_save(obj, add=True) for f in fields]
    shape = (type(obj), tuple(repr(v) if hasattr(v, "resolve_expression") else None for v in values))
    statement = _statements.get(shape)
    if statement is None:
        query = InsertQuery(type(obj))
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [meta.pk]
        [(sql, params)] = compiler.as_sql()
        if any(hasattr(f, "get_placeholder") and not isinstance(f, RangeField) for f in fields):
            return sql, list(params)  # a placeholder that may depend on the value (GIS): not kept
        # The expressions' own parameters, in field order: constant for a shape.
        fixed = [
            compiler.compile(v.resolve_expression(query, allow_joins=False, for_save=True))[1]
            for v in values
            if hasattr(v, "resolve_expression")
        ]
        statement = _statements[shape] = (sql, fixed)
    sql, fixed = statement
    params, expressions = [], iter(fixed)
    for field, value in zip(fields, values, strict=True):
        if hasattr(value, "resolve_expression"):
            params.extend(next(expressions))
        else:
            params.append(field.get_db_prep_save(value, connection=connection))
    return sql, params


_statements: dict[tuple, tuple[str, list]] = {}


def insert_together(
    head: Model, followers: Sequence[tuple[Model, str]] = (), *, read: tuple[str, Sequence] | None = None
):
    """Insert the unsaved `head`, and each unsaved (follower, field name) with that field set to
    the head's new id, in one statement; set their primary keys and send pre_save and post_save
    as `save()` would. Returns the value of `read` (SQL and params of one value), read in the
    same statement: its snapshot is the statement's, which does not include these rows.

    A row PostgreSQL refuses (a constraint) raises IntegrityError, as `save()` would, and
    nothing of the statement is written."""
    rows = [head, *(follower for follower, _field in followers)]
    for obj in rows:
        pre_save.send(sender=type(obj), instance=obj, raw=False, using=DEFAULT_DB_ALIAS, update_fields=None)
    quote = connection.ops.quote_name
    names = [f"written_{n}" for n in range(len(rows))]
    new_ids = [f"SELECT {quote(obj._meta.pk.column)} FROM {name}" for obj, name in zip(rows, names, strict=True)]
    for follower, field in followers:
        setattr(follower, follower._meta.get_field(field).attname, RawSQL(new_ids[0], ()))
    parts, params = [], []
    for obj, name in zip(rows, names, strict=True):
        sql, row_params = _insert_sql(obj)
        parts.append(f"{name} AS ({sql})")
        params.extend(row_params)
    selected = [f"({sql})" for sql in new_ids]
    if read is not None:
        selected.append(f"({read[0]})")
        params.extend(read[1])
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {', '.join(selected)}", params)
        values = cursor.fetchone()
    for obj, pk in zip(rows, values, strict=False):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS
    for follower, field in followers:
        setattr(follower, follower._meta.get_field(field).attname, head.pk)
    for obj in rows:
        post_save.send(
            sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=DEFAULT_DB_ALIAS
        )
    return values[-1] if read is not None else None
