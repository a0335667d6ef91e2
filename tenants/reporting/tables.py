"""The dashboard's tables and charts, from a built report: one definition for HTML, CSV and Chart.js.

Every chart points at a table with the same numbers (its accessible
equivalent), and every table can be downloaded as CSV.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Column kinds: how a value is shown (the CSV keeps raw numbers).
INT, NUM, PCT, CHANGE, POINTS, TEXT, EUR = "int", "num", "pct", "change", "points", "text", "eur"


def weekday_names() -> list[str]:
    return [_("lunedì"), _("martedì"), _("mercoledì"), _("giovedì"), _("venerdì"), _("sabato"), _("domenica")]


@dataclass
class Column:
    key: str
    label: str
    kind: str = INT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    note: str = ""

    def cells(self):
        """Rows as (column, value) pairs, for the template."""
        return [[(column, row.get(column.key)) for column in self.columns] for row in self.rows]


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # Chart.js type: bar, line
    labels: list
    datasets: list[dict]
    table: str  # key of the table with the same numbers
    unit: str = ""
    options: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "id": f"chart-{self.key}",
            "type": self.kind,
            "labels": self.labels,
            "datasets": self.datasets,
            "unit": self.unit,
            "title": self.title,
            "options": self.options,
            "table": self.table,
        }


def _pct(value):
    return None if value is None else round(value * 100, 1)


def _comparison_row(label_key, label, entry, busiest=None):
    current, previous, change = entry["current"], entry["previous"], entry["change"]
    row = {
        label_key: label,
        "bookings": current["bookings"],
        "bookings_previous": previous["bookings"],
        "bookings_change": change["bookings"],
        "people": current["people"],
        "people_change": change["people"],
        "booked_hours": current["booked_hours"],
        "occupancy": _pct(current["occupancy"]),
        "occupancy_previous": _pct(previous["occupancy"]),
        "occupancy_change": change["occupancy"],
        "no_show_rate": _pct(current["no_show_rate"]),
        "cancelled": current["cancelled"],
    }
    if busiest is not None:
        hour, weekday = busiest.get("hour"), busiest.get("weekday")
        row["busiest_hour"] = f"{hour:02d}:00–{hour + 1:02d}:00" if hour is not None else ""
        row["busiest_weekday"] = weekday_names()[weekday] if weekday is not None else ""
    return row


def _comparison_columns(first: Column, busiest: bool = False) -> list[Column]:
    columns = [
        first,
        Column("bookings", _("Prenotazioni")),
        Column("bookings_previous", _("Periodo precedente")),
        Column("bookings_change", _("Variazione %"), CHANGE),
        Column("people", _("Persone")),
        Column("people_change", _("Variazione %"), CHANGE),
        Column("booked_hours", _("Ore prenotate"), NUM),
        Column("occupancy", _("Occupazione %"), PCT),
        Column("occupancy_previous", _("Occupazione % prec."), PCT),
        Column("occupancy_change", _("Variazione (punti)"), POINTS),
        Column("no_show_rate", _("Mancate presentazioni %"), PCT),
        Column("cancelled", _("Annullate"), INT),
    ]
    if busiest:
        columns += [
            Column("busiest_hour", _("Ora di punta"), TEXT),
            Column("busiest_weekday", _("Giorno più richiesto"), TEXT),
        ]
    return columns


def build_tables(report: dict) -> tuple[list[Table], list[Chart]]:
    summary, hours, trend = report["summary"], report["hours"], report["trend"]
    comuni = report["meta"]["comuni"]
    names = {c["slug"]: c["name"] for c in comuni}
    tables: list[Table] = []
    charts: list[Chart] = []

    # Comuni side by side.
    rows = [
        _comparison_row("comune", entry["comune_name"], entry, hours["busiest"].get(entry["comune"], {}))
        for entry in summary["comuni"]
    ]
    rows.append(_comparison_row("comune", _("Totale"), summary["union"], None))
    title = _("Confronto tra comuni") if len(comuni) > 1 else _("Riepilogo del comune")
    tables.append(Table("comuni", title, _comparison_columns(Column("comune", _("Comune"), TEXT), True), rows))
    labels = [entry["comune_name"] for entry in summary["comuni"]]
    charts.append(
        Chart(
            "prenotazioni",
            _("Prenotazioni per comune, periodo scelto e precedente"),
            "bar",
            labels,
            [
                {"label": _("Periodo scelto"), "data": [e["current"]["bookings"] for e in summary["comuni"]]},
                {"label": _("Periodo precedente"), "data": [e["previous"]["bookings"] for e in summary["comuni"]]},
            ],
            "comuni",
        )
    )
    charts.append(
        Chart(
            "occupazione",
            _("Tasso di occupazione per comune (%)"),
            "bar",
            labels,
            [{"label": _("Occupazione %"), "data": [_pct(e["current"]["occupancy"]) for e in summary["comuni"]]}],
            "comuni",
            unit="%",
        )
    )

    # Trends. Hundreds of lines or columns help nobody: past eight comuni, the union total only
    # (filter by comune to see one).
    shown = [slug for slug in names if slug in trend["series"]]
    if len(shown) > 8:
        shown = []
    for key, title, metric, unit in (
        ("andamento-prenotazioni", _("Andamento delle prenotazioni"), "bookings", ""),
        ("andamento-occupazione", _("Andamento del tasso di occupazione (%)"), "occupancy", "%"),
    ):

        def value(point, metric=metric):
            return _pct(point[metric]) if metric == "occupancy" else point[metric]

        trend_rows = []
        for index, period in enumerate(trend["periods"]):
            row = {"period": period}
            for slug in shown:
                row[slug] = value(trend["series"][slug][index])
            row["union"] = value(trend["series"]["union"][index])
            trend_rows.append(row)
        columns = [Column("period", _("Periodo"), TEXT)]
        columns += [Column(slug, names[slug], PCT if unit else INT) for slug in shown]
        columns.append(Column("union", _("Totale"), PCT if unit else INT))
        tables.append(Table(key, title, columns, trend_rows))
        datasets = [{"label": names[slug], "data": [r[slug] for r in trend_rows]} for slug in shown]
        datasets.append({"label": _("Totale"), "data": [r["union"] for r in trend_rows]})
        charts.append(Chart(key, title, "line", trend["periods"], datasets, key, unit=unit))

    # Hubs and spaces.
    tables.append(
        Table(
            "hub",
            _("Per hub"),
            [Column("comune", _("Comune"), TEXT)] + _comparison_columns(Column("hub", _("Hub"), TEXT)),
            [{"comune": e["comune_name"], **_comparison_row("hub", e["hub_name"], e)} for e in summary["hubs"]],
        )
    )
    tables.append(
        Table(
            "spazi",
            _("Per spazio"),
            [Column("comune", _("Comune"), TEXT), Column("hub", _("Hub"), TEXT)]
            + _comparison_columns(Column("spazio", _("Spazio"), TEXT)),
            [
                {"comune": e["comune_name"], "hub": e["hub_name"], **_comparison_row("spazio", e["space_name"], e)}
                for e in summary["spaces"]
            ],
        )
    )

    # Busiest hours and weekdays.
    hour_rows = [
        {"hour": f"{h:02d}:00", "booked_hours": v} for h, v in enumerate(hours["by_hour"]) if v or 7 <= h <= 20
    ]
    tables.append(
        Table(
            "orari",
            _("Ore prenotate per fascia oraria"),
            [Column("hour", _("Ora"), TEXT), Column("booked_hours", _("Ore prenotate"), NUM)],
            hour_rows,
        )
    )
    charts.append(
        Chart(
            "orari",
            _("Ore prenotate per fascia oraria"),
            "bar",
            [r["hour"] for r in hour_rows],
            [{"label": _("Ore prenotate"), "data": [r["booked_hours"] for r in hour_rows]}],
            "orari",
        )
    )
    weekday_rows = [{"weekday": name, "average": v} for name, v in zip(weekday_names(), hours["by_weekday_average"])]
    tables.append(
        Table(
            "giorni",
            _("Ore prenotate in media per giorno della settimana"),
            [Column("weekday", _("Giorno"), TEXT), Column("average", _("Ore prenotate in media"), NUM)],
            weekday_rows,
        )
    )
    charts.append(
        Chart(
            "giorni",
            _("Ore prenotate in media per giorno della settimana"),
            "bar",
            [r["weekday"] for r in weekday_rows],
            [{"label": _("Ore in media"), "data": [r["average"] for r in weekday_rows]}],
            "giorni",
        )
    )

    # Desks.
    desk_columns = [
        Column("comune", _("Comune"), TEXT),
        Column("hub", _("Hub"), TEXT),
        Column("desk", _("Sportello"), TEXT),
        Column("appointments", _("Appuntamenti")),
        Column("appointments_previous", _("Periodo precedente")),
        Column("appointments_change", _("Variazione %"), CHANGE),
        Column("attended", _("Svolti")),
        Column("no_show", _("Mancate presentazioni")),
        Column("cancelled", _("Annullati")),
    ]

    def desk_row(item):
        return {
            "comune": item["comune_name"],
            "hub": item["hub_name"],
            "desk": item["desk_name"],
            "topic": item.get("topic", ""),
            "appointments": item["current"]["appointments"],
            "appointments_previous": item["previous"]["appointments"],
            "appointments_change": item["change"]["appointments"],
            "attended": item["current"]["attended"],
            "no_show": item["current"]["no_show"],
            "cancelled": item["current"]["cancelled"],
        }

    tables.append(
        Table(
            "sportelli", _("Appuntamenti agli sportelli"), desk_columns, [desk_row(i) for i in report["desks"]["desks"]]
        )
    )
    tables.append(
        Table(
            "argomenti",
            _("Appuntamenti per argomento"),
            desk_columns[:3] + [Column("topic", _("Argomento"), TEXT)] + desk_columns[3:],
            [desk_row(i) for i in report["desks"]["topics"]],
        )
    )

    # Events.
    tables.append(
        Table(
            "eventi",
            _("Eventi e partecipazione"),
            [
                Column("day", _("Data"), TEXT),
                Column("comune", _("Comune"), TEXT),
                Column("hub", _("Hub"), TEXT),
                Column("title", _("Evento"), TEXT),
                Column("capacity", _("Posti")),
                Column("registered", _("Iscritti")),
                Column("waitlisted", _("In lista d'attesa")),
                Column("cancelled", _("Iscrizioni annullate")),
                Column("attended", _("Presenti")),
                Column("attendance_rate", _("Partecipazione %"), PCT),
            ],
            [
                {**e, "comune": e["comune_name"], "hub": e["hub_name"], "attendance_rate": _pct(e["attendance_rate"])}
                for e in report["events"]["events"]
            ],
        )
    )

    # People by category.
    people = report["people"]
    people_rows = [
        {
            "comune": e["comune_name"],
            "people": e["current"]["people"],
            "residents": e["current"]["residents"],
            "other_union": e["current"]["other_union"],
            "outside": e["current"]["outside"],
            "public_employees": e["current"]["public_employees"],
            "firm_employees": e["current"]["firm_employees"],
        }
        for e in people["comuni"]
    ]
    union_people = people["union"]["current"]
    people_rows.append(
        {
            "comune": _("Unione (persone distinte)"),
            "people": union_people["people"],
            "residents": union_people["union_residents"],
            "other_union": None,
            "outside": union_people["outside"],
            "public_employees": union_people["public_employees"],
            "firm_employees": union_people["firm_employees"],
        }
    )
    tables.append(
        Table(
            "persone",
            _("Persone per categoria"),
            [
                Column("comune", _("Comune"), TEXT),
                Column("people", _("Persone")),
                Column("residents", _("Residenti nel comune")),
                Column("other_union", _("Residenti in altri comuni dell'Unione")),
                Column("outside", _("Da fuori Unione o non indicato")),
                Column("public_employees", _("Dipendenti pubblici")),
                Column("firm_employees", _("Dipendenti di aziende in convenzione")),
            ],
            people_rows,
            note=_(
                "Dipendenti di aziende in convenzione: persone con almeno una prenotazione coperta dalla "
                "convenzione di un'azienda; dipendenti pubblici: per il profilo di spostamento o per una "
                "prenotazione sotto la convenzione di un ente pubblico. Nella riga dell'Unione ogni persona "
                "conta una volta e «residenti» indica i residenti in un qualsiasi comune dell'Unione."
            ),
        )
    )
    charts.append(
        Chart(
            "persone",
            _("Persone per categoria"),
            "bar",
            [e["comune_name"] for e in people["comuni"]],
            [
                {"label": _("Residenti nel comune"), "data": [r["residents"] for r in people_rows[:-1]]},
                {"label": _("Altri comuni dell'Unione"), "data": [r["other_union"] for r in people_rows[:-1]]},
                {"label": _("Da fuori o non indicato"), "data": [r["outside"] for r in people_rows[:-1]]},
            ],
            "persone",
            options={"stacked": True},
        )
    )

    # Commuting avoided.
    commuting = report["commuting"]
    factor = commuting["emission_factor"]
    commute_rows = [
        {
            "comune": e["comune_name"],
            "trips_avoided": e["current"]["trips_avoided"],
            "people": e["current"]["people"],
            "km": e["current"]["km"],
            "kg_co2": round(e["current"]["kg_co2"], 1),
            "km_previous": e["previous"]["km"],
            "km_change": e["change"]["km"],
            "not_computable": e["current"]["not_computable"],
        }
        for e in commuting["comuni"]
    ]
    u = commuting["union"]
    commute_rows.append(
        {
            "comune": _("Unione"),
            "trips_avoided": u["current"]["trips_avoided"],
            "people": u["current"]["people"],
            "km": u["current"]["km"],
            "kg_co2": round(u["current"]["kg_co2"], 1),
            "km_previous": u["previous"]["km"],
            "km_change": u["change"]["km"],
            "not_computable": u["current"]["not_computable"],
        }
    )
    tables.append(
        Table(
            "spostamenti",
            _("Spostamenti casa-lavoro evitati"),
            [
                Column("comune", _("Comune"), TEXT),
                Column("trips_avoided", _("Viaggi di andata e ritorno evitati")),
                Column("people", _("Persone")),
                Column("km", _("km evitati"), NUM),
                Column("kg_co2", _("kg di CO2 evitati"), NUM),
                Column("km_previous", _("km periodo precedente"), NUM),
                Column("km_change", _("Variazione %"), CHANGE),
                Column("not_computable", _("Giorni non calcolabili")),
            ],
            commute_rows,
            note=_(
                "Per ogni giorno con check-in, il viaggio di andata e ritorno verso il luogo di lavoro abituale "
                "non fatto (meno il tragitto verso l'hub, se l'hub è in un altro comune). Distanze stradali tra "
                "comuni dalla tabella dell'Unione; fattore di emissione %(grams)s g CO2/km: %(source)s, anno "
                "%(year)s. Non calcolabili: persone senza profilo di spostamento o luoghi non in tabella."
            )
            % {"grams": f"{factor['grams_per_km']:g}", "source": factor["source"], "year": factor["reference_year"]},
        )
    )
    charts.append(
        Chart(
            "spostamenti",
            _("km casa-lavoro evitati per comune"),
            "bar",
            [r["comune"] for r in commute_rows[:-1]],
            [{"label": _("km evitati"), "data": [r["km"] for r in commute_rows[:-1]]}],
            "spostamenti",
            unit="km",
        )
    )
    # Usage per agreement (tenants/firms).
    agreement_rows = [
        {
            "firm": a["firm"],
            "title": a["title"],
            "comune": a["comune_name"] or _("Unione"),
            "people": a["people"],
            "days": a["days"],
            "attended_days": a["attended_days"],
        }
        for a in report.get("agreements", [])
    ]
    tables.append(
        Table(
            "convenzioni",
            _("Utilizzo per convenzione"),
            [
                Column("firm", _("Azienda o ente"), TEXT),
                Column("title", _("Convenzione"), TEXT),
                Column("comune", _("Comune"), TEXT),
                Column("people", _("Persone")),
                Column("days", _("Giornate prenotate")),
                Column("attended_days", _("Giornate con check-in")),
            ],
            agreement_rows,
            note=_("Prenotazioni coperte dalle convenzioni con aziende ed enti pubblici, per comune e per l'Unione."),
        )
    )
    _revenue(report, tables, charts)
    return tables, charts


def _eur(cents) -> float:
    return round((cents or 0) / 100, 2)


def _revenue(report: dict, tables: list, charts: list) -> None:
    """Money per creditor: what came in, what went back, what stays (src/payments)."""
    revenue = report.get("revenue")
    if revenue is None:
        return
    kinds = {"pagopa": _("pagoPA"), "card": _("carta")}
    rows = []
    for entry in revenue["creditors"]:
        current, previous = entry["current"], entry["previous"]
        rows.append(
            {
                "comune": entry["comune_name"],
                "creditor": entry["creditor_name"],
                "kind": kinds.get(entry["creditor_kind"], entry["creditor_kind"]),
                "payments": current["payments"],
                "paid": _eur(current["paid_cents"]),
                "refunded": _eur(current["refunded_cents"]),
                "revenue": _eur(current["revenue_cents"]),
                "revenue_previous": _eur(previous["revenue_cents"]),
                "revenue_change": entry["change"]["revenue_cents"],
            }
        )
    total = revenue["union"]
    chart_rows = list(rows)
    rows.append(
        {
            "comune": _("Totale"),
            "creditor": "",
            "kind": "",
            "payments": total["current"]["payments"],
            "paid": _eur(total["current"]["paid_cents"]),
            "refunded": _eur(total["current"]["refunded_cents"]),
            "revenue": _eur(total["current"]["revenue_cents"]),
            "revenue_previous": _eur(total["previous"]["revenue_cents"]),
            "revenue_change": total["change"]["revenue_cents"],
        }
    )
    tables.append(
        Table(
            "incassi",
            _("Incassi per beneficiario"),
            [
                Column("comune", _("Comune"), TEXT),
                Column("creditor", _("Beneficiario"), TEXT),
                Column("kind", _("Canale"), TEXT),
                Column("payments", _("Pagamenti")),
                Column("paid", _("Incassato (€)"), EUR),
                Column("refunded", _("Rimborsato (€)"), EUR),
                Column("revenue", _("Entrate nette (€)"), EUR),
                Column("revenue_previous", _("Entrate nette periodo precedente (€)"), EUR),
                Column("revenue_change", _("Variazione %"), CHANGE),
            ],
            rows,
            note=_(
                "Entrate nette: pagamenti ricevuti nel periodo meno i rimborsi decisi nel periodo (fatti, o da "
                "fare con bonifico per pagoPA). Ogni beneficiario riceve solo i pagamenti delle proprie tariffe."
            ),
        )
    )
    if chart_rows:
        charts.append(
            Chart(
                "incassi",
                _("Entrate nette per beneficiario"),
                "bar",
                [f"{r['creditor']} ({r['comune']})" for r in chart_rows],
                [{"label": _("Entrate nette (€)"), "data": [r["revenue"] for r in chart_rows]}],
                "incassi",
                unit="€",
            )
        )
