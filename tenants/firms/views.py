"""Pages of the firms app on the union site: the mobility manager's area, the firms'
application form, onboarding by union staff or a comune, the signed agreements.

Thin: access in access.py, writes in services.py, reads in selectors.py.
"""

import csv
from io import StringIO

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.firms import access, selectors, services
from tenants.firms.forms import AgreementForm, ApplicationForm, FirmForm, InviteForm
from tenants.firms.models import Agreement

NOT_A_MANAGER = _(
    "Quest'area è per i mobility manager delle aziende convenzionate. Se la tua azienda vuole aderire, "
    "presenta la domanda da «Aziende e convenzioni»."
)


def _year(request) -> int:
    raw = request.GET.get("anno", "")
    today = timezone.localdate()
    return int(raw) if raw.isascii() and raw.isdigit() and 2020 <= int(raw) <= today.year + 1 else today.year


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _chart(pscl) -> dict:
    """Bars of the days worked from hubs, per month: inline SVG drawn here (no script)."""
    months = pscl.months
    top = max([row.days_worked or 0 for row in months] + [1])
    bars = []
    for index, row in enumerate(months):
        value = row.days_worked or 0
        height = round(160 * value / top)
        bars.append(
            {"x": 40 + index * 50, "y": 180 - height, "height": height, "value": row.days_worked, "month": row.month}
        )
    return {"bars": bars, "width": max(40 + len(bars) * 50, 300)}


# --- the mobility manager's area ---------------------------------------------------------------


@login_required
def mm_home(request):
    firms = list(access.managed_firms(request.user))
    if not firms:
        raise PermissionDenied(NOT_A_MANAGER)
    if len(firms) == 1:
        return redirect("firms:firm", firm_id=firms[0].pk)
    return render(request, "firms/mm_home.html", {"firms": firms})


def _firm_page(request, firm, invite_form=None, status=200):
    year = _year(request)
    pscl = selectors.firm_pscl(firm, year)
    return render(
        request,
        "firms/mm_firm.html",
        {
            "firm": firm,
            "people": selectors.firm_people(firm),
            "agreements": selectors.firm_agreements(firm),
            "summary": selectors.firm_summary(firm),
            "invite_form": invite_form or InviteForm(firm=firm),
            "pscl": pscl,
            "chart": _chart(pscl),
            "year": year,
            "years": list(range(timezone.localdate().year, 2021, -1)),
        },
        status=status,
    )


@login_required
def mm_firm(request, firm_id):
    return _firm_page(request, access.managed_firm_get(request.user, firm_id))


@login_required
@require_POST
def mm_invite(request, firm_id):
    firm = access.managed_firm_get(request.user, firm_id)
    form = InviteForm(request.POST, firm=firm)
    if form.is_valid():
        try:
            services.enrolment_invite(
                firm=firm, email=form.cleaned_data["email"], site=form.cleaned_data["site"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Invito inviato a %(email)s: la persona lo accetta dalla sua area personale.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("firms:firm", firm_id=firm.pk)
    return _firm_page(request, firm, invite_form=form, status=400)


@login_required
@require_POST
def mm_remove(request, firm_id, enrolment_id):
    firm = access.managed_firm_get(request.user, firm_id)
    enrolment = selectors.firm_enrolment_get(firm, enrolment_id)
    if enrolment is None:
        raise Http404
    services.enrolment_end(enrolment=enrolment, removed=True)
    messages.success(request, _("Iscrizione chiusa: la persona non compare più nell'elenco."))
    return redirect("firms:firm", firm_id=firm.pk)


def _pscl_table(pscl) -> list[list]:
    header = [
        _("mese"),
        _("sede"),
        _("dipendenti che hanno lavorato dagli hub"),
        _("giornate lavorate dagli hub"),
        _("giornate di convenzione usate"),
        _("km evitati"),
        _("kg CO2 evitati"),
        _("g NOx evitati"),
        _("g PM10 evitati"),
        _("giornate senza distanza nota"),
        _("dati soppressi"),
    ]
    rows = [header]

    def num(value, digits=1):
        return "" if value is None else (f"{value:.{digits}f}" if isinstance(value, float) else str(value))

    for row in pscl.rows:
        rows.append(
            [
                row.month.strftime("%Y-%m"),
                row.site.name if row.site else _("tutte le sedi"),
                num(row.people),
                num(row.days_worked),
                num(row.allowance_days),
                num(row.km, 0),
                num(row.kg_co2, 1),
                num(row.g_nox, 1),
                num(row.g_pm10, 1),
                num(row.not_computable),
                _("si") if row.suppressed else _("no"),
            ]
        )
    return rows


@login_required
def mm_pscl_csv(request, firm_id):
    firm = access.managed_firm_get(request.user, firm_id)
    pscl = selectors.firm_pscl(firm, _year(request))
    buffer = StringIO()
    writer = csv.writer(buffer)
    for row in _pscl_table(pscl):
        writer.writerow(row)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pscl-{firm.pk}-{pscl.year}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def mm_pscl_print(request, firm_id):
    firm = access.managed_firm_get(request.user, firm_id)
    pscl = selectors.firm_pscl(firm, _year(request))
    return render(
        request,
        "firms/pscl_print.html",
        {"firm": firm, "pscl": pscl, "agreements": selectors.firm_agreements(firm), "now": timezone.now()},
    )


@login_required
def agreement_document(request, agreement_id):
    agreement = Agreement.objects.select_related("firm").filter(pk=agreement_id).first()
    if agreement is None or not access.may_read_agreement(request.user, agreement) or not agreement.document:
        raise Http404
    response = FileResponse(
        agreement.document.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"convenzione-{agreement.pk}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- applications and onboarding ---------------------------------------------------------------


def apply(request):
    """What the agreements are, and the form a firm applies with."""
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('identity:login')}?next={request.path}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.firm_apply(
                    user=request.user,
                    name=data["name"],
                    tax_code=data["tax_code"],
                    size_band=data["size_band"],
                    municipality=data["municipality"],
                    site_name=data["site_name"],
                    site_address=data["site_address"],
                    site_istat_code=data["site_istat_code"],
                    email_domain=data["email_domain"],
                    note=data["note"],
                )
            except ValidationError as error:
                _add(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Domanda inviata. L'Unione la esamina e ti scrive: una volta approvata, sarai il mobility manager dell'azienda."
                    ),
                )
                return redirect("firms:apply")
    return render(request, "firms/apply.html", {"form": form}, status=400 if form.errors else 200)


def _add(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _staff(request):
    if not access.may_onboard(request.user):
        raise PermissionDenied(_("Solo lo staff dell'Unione e gli amministratori dei comuni gestiscono le aziende."))
    return access.onboarding_comuni(request.user)


@login_required
def staff_home(request):
    _staff(request)
    return _staff_home_page(request)


def _staff_home_page(request, status: int = 200):
    firms = access.onboarded_firms(request.user).select_related("municipality").order_by("state", "name")
    return render(request, "firms/staff_home.html", {"firms": firms}, status=status)


@login_required
@require_POST
def staff_review(request, firm_id):
    _staff(request)
    firm = access.onboarded_firm_get(request.user, firm_id)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        # Not a rejection by default: a post without the button's value decides nothing.
        messages.error(request, _("Scegli «Approva» o «Respingi» per esaminare la domanda."))
        return _staff_home_page(request, status=400)
    try:
        services.firm_review(firm=firm, reviewer=request.user, approve=decision == "approve")
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    else:
        messages.success(request, _("Domanda di %(firm)s esaminata.") % {"firm": firm.name})
    return redirect("firms:staff")


@login_required
def staff_firm_new(request):
    comuni = _staff(request)
    form = FirmForm(request.POST or None, comuni=comuni)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        managers = []
        if data["manager_email"]:
            manager = get_user_model().objects.filter(email=data["manager_email"].lower()).first()
            if manager is None:
                form.add_error(
                    "manager_email", _("Nessun account con questo indirizzo: chiedi alla persona di registrarsi.")
                )
            else:
                managers.append(manager)
        if not form.errors:
            try:
                firm = services.firm_create(
                    name=data["name"],
                    tax_code=data["tax_code"],
                    size_band=data["size_band"],
                    kind=data["kind"],
                    municipality=data["municipality"],
                    email_domain=data["email_domain"],
                    sites=[
                        {
                            "name": data["site_name"],
                            "address": data["site_address"],
                            "istat_code": data["site_istat_code"],
                        }
                    ],
                    managers=managers,
                )
            except ValidationError as error:
                _add(form, error)
            else:
                messages.success(request, _("Azienda %(firm)s registrata.") % {"firm": firm.name})
                return redirect("firms:staff_agreement_new", firm_id=firm.pk)
    return render(
        request,
        "firms/staff_form.html",
        {"form": form, "title": _("Nuova azienda")},
        status=400 if form.errors else 200,
    )


@login_required
def staff_agreement_new(request, firm_id):
    comuni = _staff(request)
    firm = access.onboarded_firm_get(request.user, firm_id)
    form = AgreementForm(request.POST or None, request.FILES or None, firm=firm, comuni=comuni)
    if request.method == "POST" and form.is_valid():
        agreement = form.save(commit=False)
        agreement.firm = firm
        document = form.cleaned_data.get("document") or None
        try:
            services.agreement_save(
                agreement=agreement,
                sites=form.cleaned_data["sites"],
                hubs=form.cleaned_data["hub_list"],
                document=document if document and hasattr(document, "size") else None,
            )
        except ValidationError as error:
            _add(form, error)
        else:
            messages.success(request, _("Convenzione salvata."))
            return redirect("firms:staff")
    return render(
        request,
        "firms/staff_form.html",
        {"form": form, "title": _("Nuova convenzione con %(firm)s") % {"firm": firm.name}, "multipart": True},
        status=400 if form.errors else 200,
    )
