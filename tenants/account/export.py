"""A person's data across the union, as a zip of JSON and CSV: the rights of access and
portability (GDPR art. 15 and 20).

The public schema's rows (the account, roles, commute profile, settings, the firms the
person is enrolled with or manages, the cooperatives they work for) are read with the ORM. Each comune's rows are read with ONE query per table for all comuni: a UNION ALL
generated over their schemas (`tenants.comuni.sql.union_all`), with table and column
names from the catalogue (`tenants.reporting.catalogue`), never a loop over comuni.
Every row carries the comune it comes from. Page ratings are not in it: they are
anonymous by design (no account, no IP address), so there is nothing of a person's.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone
from psycopg2.extras import Range

from tenants.comuni.sql import union_all
from tenants.firms.models import AgreementUse, AllowanceMonth, Enrolment, FirmManager
from tenants.identity.models import PersonalSettings, Role, User
from tenants.operators.models import OrganisationStaff, StaffAssignment
from tenants.reporting.catalogue import SQL, select_list
from tenants.reporting.models import CommuteProfile
from tenants.reporting.schemas import comune_schemas
from tenants.webpush.selectors import push_subscriptions_of


@dataclass(frozen=True)
class Dataset:
    name: str  # the file name, without extension
    table: str  # the catalogue's name of the table
    alias: str
    where: str  # how the rows are the person's (a template, like a union_all branch)
    joins: str = ""


# Each comune table holding a person's rows, and how they are theirs.
COMUNE_DATASETS = (
    Dataset("prenotazioni", "booking", "b", "b.{column.booking.person} = %(person)s"),
    Dataset(
        "prenotazioni_cambi_di_stato",
        "booking_transition",
        "t",
        "b.{column.booking.person} = %(person)s",
        "JOIN {s}.{table.booking} b ON b.id = t.{column.booking_transition.booking}",
    ),
    Dataset("liste_di_attesa", "waitlist_entry", "w", "w.{column.waitlist_entry.person} = %(person)s"),
    Dataset("appuntamenti", "appointment", "a", "a.{column.appointment.person} = %(person)s"),
    Dataset(
        "appuntamenti_cambi_di_stato",
        "appointment_transition",
        "t",
        "a.{column.appointment.person} = %(person)s",
        "JOIN {s}.{table.appointment} a ON a.id = t.{column.appointment_transition.appointment}",
    ),
    Dataset("iscrizioni_eventi", "event_registration", "r", "r.{column.event_registration.person} = %(person)s"),
    Dataset(
        "iscrizioni_eventi_cambi_di_stato",
        "registration_transition",
        "t",
        "r.{column.event_registration.person} = %(person)s",
        "JOIN {s}.{table.event_registration} r ON r.id = t.{column.registration_transition.registration}",
    ),
    Dataset("hub_come_operatore", "hub_operator", "o", "o.{column.hub_operator.user} = %(person)s"),
    Dataset("pagamenti_ordini", "payment_order", "o", "o.{column.payment_order.person} = %(person)s"),
    Dataset(
        "pagamenti_ricevuti",
        "payment",
        "p",
        "o.{column.payment_order.person} = %(person)s",
        "JOIN {s}.{table.payment_order} o ON o.id = p.{column.payment.order}",
    ),
    Dataset(
        "pagamenti_rimborsi",
        "refund",
        "r",
        "o.{column.payment_order.person} = %(person)s",
        "JOIN {s}.{table.payment} p ON p.id = r.{column.refund.payment}"
        " JOIN {s}.{table.payment_order} o ON o.id = p.{column.payment.order}",
    ),
    Dataset("carnet_e_abbonamenti", "pass", "c", "c.{column.pass.person} = %(person)s"),
)


def dataset_sql(dataset: Dataset, schemas: list[str]) -> str:
    """One statement for all comuni: the rows of `dataset` that are the person's, tagged with their comune."""
    columns = select_list(dataset.table, dataset.alias)
    branch = (
        f"SELECT {{lit}} AS comune, {columns} FROM {{s}}.{{table.{dataset.table}}} {dataset.alias} "
        f"{dataset.joins} WHERE {dataset.where}"
    )
    return f"SELECT * FROM (\n{union_all(branch, schemas, **SQL)}\n) AS rows ORDER BY comune, id"


def _account(user) -> dict[str, list[dict]]:
    person = User.objects.select_related("home_municipality").get(pk=user.pk)
    fields = [f for f in User._meta.concrete_fields if f.name != "password"]  # a hash: nobody's to carry around
    row = {f.name: getattr(person, f.attname) for f in fields}
    row["home_municipality"] = person.home_municipality.name if person.home_municipality else None
    roles = [
        {"ruolo": role.kind, "comune": role.municipality.name if role.municipality else None, "dal": role.granted_at}
        for role in Role.objects.filter(user=person).select_related("municipality").order_by("granted_at")
    ]
    commute = [
        {f.name: getattr(profile, f.attname) for f in CommuteProfile._meta.concrete_fields}
        for profile in CommuteProfile.objects.filter(user=person)
    ]
    preferences = [
        {f.name: getattr(choice, f.attname) for f in PersonalSettings._meta.concrete_fields}
        for choice in PersonalSettings.objects.filter(user=person)
    ]
    # The browsers the person allowed to notify (the endpoint is the push service's, the keys the browser's).
    push = [
        {"browser": s.user_agent, "indirizzo": s.endpoint, "dal": s.created_at} for s in push_subscriptions_of(person)
    ]
    return {
        "persona": [row],
        "ruoli": roles,
        "profilo_spostamenti": commute,
        "impostazioni": preferences,
        "notifiche_push": push,
    }


def _rows(objects, *, named: dict[str, str] | None = None, left_out=()) -> list[dict]:
    """Each object's columns (field name -> value); a foreign key in `named` as the pointed row's
    attribute (`{"firm": "name"}`: the firm's name, not its id)."""
    named = named or {}
    rows = []
    for obj in objects:
        row = {}
        for f in type(obj)._meta.concrete_fields:
            if f.name in left_out:
                continue
            if f.name in named:
                target = getattr(obj, f.name)
                row[f.name] = getattr(target, named[f.name]) if target is not None else None
            else:
                row[f.name] = getattr(obj, f.attname)
        rows.append(row)
    return rows


def _firms_and_cooperatives(person) -> dict[str, list[dict]]:
    """The person at work: enrolled with a firm (its agreement's bookings and days used), managing
    one, on a cooperative's staff. Who invited them is another person's: left out."""
    enrolments = Enrolment.objects.filter(user=person).select_related("firm", "site").order_by("id")
    uses = list(
        AgreementUse.objects.filter(enrolment__user=person)
        .select_related("agreement__firm", "municipality", "site")
        .order_by("day", "id")
    )
    months = AllowanceMonth.objects.filter(enrolment__user=person).select_related("agreement").order_by("month", "id")
    managed = FirmManager.objects.filter(user=person).select_related("firm").order_by("id")
    staff = OrganisationStaff.objects.filter(user=person).select_related("organisation").order_by("id")
    assignments = StaffAssignment.objects.filter(staff__user=person).select_related("municipality").order_by("id")
    agreement = {"agreement": "title", "municipality": "name", "site": "name"}
    return {
        "aziende_iscrizioni": _rows(enrolments, named={"firm": "name", "site": "name"}, left_out=("invited_by",)),
        "aziende_usi_convenzione": [
            {"azienda": use.agreement.firm.name, **row}
            for use, row in zip(uses, _rows(uses, named=agreement), strict=True)
        ],
        "aziende_giorni_usati": _rows(months, named={"agreement": "title"}),
        "aziende_come_mobility_manager": _rows(managed, named={"firm": "name"}),
        "cooperative_personale": _rows(staff, named={"organisation": "name"}),
        "cooperative_hub_assegnati": _rows(assignments, named={"municipality": "name"}),
    }


def export_data(user) -> dict[str, list[dict]]:
    """Everything the union holds about `user`: file name -> rows (column -> value)."""
    data = _account(user) | _firms_and_cooperatives(user)
    schemas = [c.schema for c in comune_schemas()]
    for dataset in COMUNE_DATASETS:
        if not schemas:
            data[dataset.name] = []
            continue
        with connection.cursor() as cursor:
            cursor.execute(dataset_sql(dataset, schemas), {"person": user.pk})
            names = [column.name for column in cursor.description]
            data[dataset.name] = [dict(zip(names, row)) for row in cursor.fetchall()]
    return data


def _plain(value):
    """A value JSON can hold: times in ISO 8601, a period as its two ends."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Range):
        return {"inizio": _plain(value.lower), "fine": _plain(value.upper)}
    if isinstance(value, Decimal):
        return str(value)
    return value


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    key: json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
                    for key, value in ((k, _plain(v)) for k, v in row.items())
                }
            )
    return out.getvalue()


README = """I tuoi dati personali nell'{union}
Estratti il {when}.

Per ogni tabella trovi un file JSON e uno CSV (UTF-8, separatore virgola).
Ogni riga dei comuni indica nella colonna "comune" il comune da cui viene.

- persona: il tuo account (la password non c'è: è conservata solo come impronta cifrata);
- ruoli: i ruoli che hai nei comuni o nell'Unione;
- profilo_spostamenti: luogo di lavoro e spostamento casa-lavoro, se li hai indicati;
- impostazioni: i promemoria che ricevi e la versione del link del calendario;
- prenotazioni, liste_di_attesa, appuntamenti, iscrizioni_eventi: in tutti i comuni,
  con i loro cambi di stato (*_cambi_di_stato);
- hub_come_operatore: gli hub in cui lavori come operatore, se ce ne sono;
- pagamenti_ordini, pagamenti_ricevuti, pagamenti_rimborsi, carnet_e_abbonamenti: in tutti
  i comuni, quanto hai pagato o devi pagare, i rimborsi e i carnet o abbonamenti comprati;
- aziende_iscrizioni, aziende_usi_convenzione, aziende_giorni_usati: le aziende con cui sei
  iscritto, le prenotazioni coperte dalla loro convenzione e i giorni usati ogni mese;
- aziende_come_mobility_manager: le aziende di cui sei mobility manager;
- cooperative_personale, cooperative_hub_assegnati: le cooperative per cui lavori negli hub
  e gli hub che ti hanno assegnato.

Le valutazioni delle pagine non ci sono: sono anonime e non sono collegate al tuo account.
"""


def export_zip(user) -> bytes:
    data = export_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = README.format(union=settings.UNION_NAME, when=timezone.localtime().strftime("%d/%m/%Y %H:%M"))
        archive.writestr("LEGGIMI.txt", readme)
        for name, rows in data.items():
            plain = [{key: _plain(value) for key, value in row.items()} for row in rows]
            archive.writestr(f"{name}.json", json.dumps(plain, ensure_ascii=False, indent=2))
            archive.writestr(f"{name}.csv", _csv(rows))
    return buffer.getvalue()


def export_filename() -> str:
    return f"i-miei-dati-{timezone.localdate().isoformat()}.zip"
