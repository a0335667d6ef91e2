"""Pages of the cooperatives that run hubs.

On the union site (`/cooperativa/`): the staff's console (today's sheet of every hub they
run, across comuni) and their organisation's contracts with the monthly reports.
On a comune's site (`/gestione/contratti/`): the administrator's list of the comune's
contracts, to approve, reject or end them, and the same reports.
"""

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.identity.policy import Action, can
from tenants.operators import services
from tenants.operators.access import local_today, memberships
from tenants.operators.console import console_sheet
from tenants.operators.models import ServiceContract
from tenants.operators.report import contract_report, month_label, months_of
from tenants.operators.selectors import (
    contract_visible_to,
    contracts_for_comune,
    contracts_for_staff,
    with_hub_names,
)
from tenants.reporting.csv_export import SafeWriter

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str) -> date:
    match = _MONTH.match(value or "")
    if not match or not (2000 <= int(match[1]) <= 2099 and 1 <= int(match[2]) <= 12):
        raise Http404(_("Mese non valido: scrivilo come AAAA-MM."))
    return date(int(match[1]), int(match[2]), 1)


def _comune(request):
    return getattr(request, "municipality", None)


# --- union site: the staff's console and contracts -------------------------------------------


@login_required
def console(request):
    """Today's sheet of every hub the person runs for their organisation, in every comune."""
    if not memberships(request.user):
        raise PermissionDenied(
            _(
                "Questa pagina è per il personale delle cooperative che gestiscono gli hub: il tuo account non ne fa parte."
            )
        )
    sheet = console_sheet(request.user, request=request)
    return render(
        request,
        "operators/console.html",
        {
            "sheet": sheet,
            "totals": {
                name: sheet.total(name)
                for name in ("expected", "checked_in", "no_shows", "walk_ins", "appointments", "events")
            },
            "organisations": [member.organisation for member in memberships(request.user)],
            "breadcrumbs": [(_("Home"), "/"), (_("Console della cooperativa"), None)],
        },
    )


@login_required
def staff_contracts(request):
    if not memberships(request.user) and not can(request.user, Action.MANAGE_COMUNI):
        raise PermissionDenied(_("Questa pagina è per il personale delle cooperative che gestiscono gli hub."))
    contracts = with_hub_names(contracts_for_staff(request.user))
    return render(
        request,
        "operators/contracts.html",
        {
            "contracts": contracts,
            "today": local_today(),
            "comune_view": False,
            "breadcrumbs": [
                (_("Home"), "/"),
                (_("Console della cooperativa"), reverse("operators:console")),
                (_("Contratti"), None),
            ],
        },
    )


# --- comune's site: the administrator's contracts ---------------------------------------------


def _administrator(request):
    municipality = _comune(request)
    if municipality is None:
        raise Http404(_("Pagina non trovata."))
    if not can(request.user, Action.ADMINISTER_COMUNE, municipality):
        raise PermissionDenied(
            _("I contratti di gestione degli hub li vedono gli amministratori del Comune di %(name)s.")
            % {"name": municipality.name}
        )
    return municipality


@login_required
def comune_contracts(request):
    municipality = _administrator(request)
    return render(
        request,
        "operators/contracts.html",
        {
            "contracts": with_hub_names(contracts_for_comune(municipality)),
            "today": local_today(),
            "comune_view": True,
            "breadcrumbs": [(_("Home"), "/"), (_("Contratti di gestione degli hub"), None)],
        },
    )


def _comune_contract(request, pk) -> ServiceContract:
    municipality = _administrator(request)
    return get_object_or_404(contracts_for_comune(municipality), pk=pk)


@login_required
@require_POST
def comune_contract_decide(request, pk, decision):
    contract = _comune_contract(request, pk)
    note = (request.POST.get("note") or "").strip()
    try:
        if decision == "approva":
            services.contract_approve(contract=contract, by=request.user, note=note)
            messages.success(request, _("Contratto approvato: il personale della cooperativa gestisce gli hub."))
        elif decision == "respingi":
            services.contract_reject(contract=contract, by=request.user, note=note)
            messages.success(request, _("Contratto respinto."))
        else:
            services.contract_end(contract=contract, by=request.user)
            messages.success(
                request, _("Contratto terminato: da oggi il personale della cooperativa non gestisce più gli hub.")
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("operators_comune:contracts")


# --- the monthly report (both sites) -----------------------------------------------------------


def _report_contract(request, pk) -> ServiceContract:
    municipality = _comune(request)
    if municipality is not None:
        _administrator(request)
    contract = ServiceContract.objects.select_related("organisation", "municipality").filter(pk=pk).first()
    # A contract of another comune or organisation is "not found", never "forbidden": ids are guessed.
    if contract is None or not contract_visible_to(request.user, contract, municipality):
        raise Http404(_("Contratto non trovato."))
    return contract


@login_required
def report(request, pk):
    contract = _report_contract(request, pk)
    month = request.GET.get("mese")
    today = local_today()
    months = months_of(contract, today)
    chosen = _month(month) if month else (months[0] if months else today.replace(day=1))
    built = contract_report(contract, chosen)
    namespace = "operators_comune" if _comune(request) else "operators"
    return render(
        request,
        "operators/report.html",
        {
            "report": built,
            "contract": contract,
            "month_label": month_label(chosen),
            "month_value": chosen.strftime("%Y-%m"),
            "months": [(m.strftime("%Y-%m"), month_label(m)) for m in months],
            "csv_url": reverse(f"{namespace}:report_csv", args=[contract.pk, chosen.strftime("%Y-%m")]),
            "page_url": reverse(f"{namespace}:report", args=[contract.pk]),
            "chart": _chart(built),
            "totals": [built.totals[key] for key, _label in built.columns],
        },
    )


@login_required
def report_csv(request, pk, month):
    contract = _report_contract(request, pk)
    chosen = _month(month)
    built = contract_report(contract, chosen)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"attivita-{contract.municipality.slug}-contratto-{contract.pk}-{chosen:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # spreadsheets read the accents right
    writer = SafeWriter(response)
    writer.writerow([_("Comune"), _("Cooperativa"), _("Mese"), _("Hub"), *[str(label) for _k, label in built.columns]])
    for row in built.rows:
        writer.writerow(
            [contract.municipality.name, contract.organisation.name, f"{chosen:%Y-%m}", row.name, *row.values()]
        )
    if built.rows:
        totals = built.totals
        writer.writerow(
            [contract.municipality.name, contract.organisation.name, f"{chosen:%Y-%m}", _("Totale")]
            + [totals[key] for key, _label in built.columns]
        )
    return response


def _chart(built) -> dict:
    """Bookings, check-ins and no-shows per hub, as bars of an inline SVG drawn here (no script)."""
    series = [("bookings", _("Prenotazioni")), ("checked_in", _("Check-in")), ("no_show", _("Mancate presentazioni"))]
    peak = max([row.figures[key] for row in built.rows for key, _label in series] or [0]) or 1
    bar, gap, label_width, width = 14, 30, 160, 420
    groups = []
    y = 10
    for row in built.rows:
        bars = []
        for n, (key, label) in enumerate(series):
            value = row.figures[key]
            bars.append(
                {
                    "y": y + n * (bar + 2),
                    # Strings: a float in a template is localised ("12,5"), which SVG does not read.
                    "width": f"{max(value / peak * (width - label_width - 60), 0):.1f}",
                    "value": value,
                    "label": label,
                    "class": f"bar-{n}",
                    "text_y": y + n * (bar + 2) + bar - 3,
                    "text_x": f"{label_width + 4 + max(value / peak * (width - label_width - 60), 0):.1f}",
                }
            )
        groups.append({"name": row.name, "label_y": y + bar + 4, "bars": bars})
        y += len(series) * (bar + 2) + gap
    return {
        "groups": groups,
        "height": max(y, 40),
        "width": width,
        "x0": label_width,
        "series": [{"label": label, "class": f"bar-{n}"} for n, (_key, label) in enumerate(series)],
    }
