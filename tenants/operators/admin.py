"""Union staff register the cooperatives, their staff and their contracts in the union admin.

Approving a contract is the comune's administrator's, on the comune's site
(`/gestione/contratti/`): here a contract is registered, and changing what it covers
sends it back to them for approval.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tenants.comuni.selectors import municipality_list
from tenants.identity.admin_access import PolicyModelAdmin, PolicyTabularInline
from tenants.identity.policy import Action
from tenants.operators import services
from tenants.operators.hubs import hubs_of
from tenants.operators.models import OperatorOrganisation, OrganisationStaff, ServiceContract, StaffAssignment
from tenants.union.admin import union_admin


class StaffInline(PolicyTabularInline):
    edit_action = Action.MANAGE_COMUNI
    model = OrganisationStaff
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "is_active"]


@admin.register(OperatorOrganisation, site=union_admin)
class OrganisationAdmin(PolicyModelAdmin):
    edit_action = Action.MANAGE_COMUNI
    list_display = ["name", "vat_number", "email", "phone", "is_active"]
    search_fields = ["name", "vat_number", "fiscal_code", "email"]
    list_filter = ["is_active"]
    fields = [
        "name",
        "vat_number",
        "fiscal_code",
        "address",
        "email",
        "pec",
        "phone",
        "contact_name",
        "payments_account_id",
        "is_active",
    ]
    inlines = [StaffInline]

    def has_delete_permission(self, request, obj=None):
        return False  # its contracts are the record of who ran the hubs: deactivate instead


class ContractForm(forms.ModelForm):
    """The hubs are chosen among every comune's hubs (read from their schemas) and stored as ids."""

    hubs = forms.MultipleChoiceField(
        label=_("Hub gestiti"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Solo hub del comune del contratto."),
    )

    class Meta:
        model = ServiceContract
        fields = ["organisation", "municipality", "reference", "valid_from", "valid_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._hubs = {hub.key: hub for hub in hubs_of(list(municipality_list()))}
        self.fields["hubs"].choices = [(key, str(hub)) for key, hub in self._hubs.items()]
        if self.instance.pk:
            self.initial["hubs"] = [f"{self.instance.municipality_id}:{hub}" for hub in self.instance.hub_ids]

    def clean(self):
        cleaned = super().clean()
        municipality = cleaned.get("municipality")
        chosen = [self._hubs[key] for key in cleaned.get("hubs", []) if key in self._hubs]
        if municipality is not None and chosen:
            others = [str(hub) for hub in chosen if hub.municipality.pk != municipality.pk]
            if others:
                self.add_error(
                    "hubs",
                    _("Questi hub non sono del Comune di %(comune)s: %(hubs)s.")
                    % {"comune": municipality.name, "hubs": ", ".join(others)},
                )
        self.instance.hub_ids = [hub.id for hub in chosen]
        return cleaned


class AssignmentInline(PolicyTabularInline):
    edit_action = Action.MANAGE_COMUNI
    model = StaffAssignment
    extra = 0


@admin.register(OrganisationStaff, site=union_admin)
class StaffAdmin(PolicyModelAdmin):
    """Staff with assignments run only those hubs (among what the contracts cover)."""

    edit_action = Action.MANAGE_COMUNI
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["organisation", "role", "is_active"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    raw_id_fields = ["user"]
    inlines = [AssignmentInline]


@admin.register(ServiceContract, site=union_admin)
class ContractAdmin(PolicyModelAdmin):
    edit_action = Action.MANAGE_COMUNI
    form = ContractForm
    list_display = ["organisation", "municipality", "reference", "valid_from", "valid_until", "status"]
    list_filter = ["status", "municipality", "organisation"]
    search_fields = ["organisation__name", "reference"]
    readonly_fields = ["status", "decided_by", "decided_at", "decision_note", "ended_by", "ended_at"]
    actions = ["end_today"]

    def save_model(self, request, obj, form, change):
        try:
            services.contract_save(contract=obj)
        except ValidationError as error:
            # The form checked the same; a hub deleted in the meantime lands here.
            messages.error(request, " ".join(error.messages))
            raise
        if obj.status == ServiceContract.Status.PENDING:
            messages.info(request, _("Il contratto attende l'approvazione dell'amministratore del comune."))

    @admin.action(description=_("Termina oggi i contratti scelti"))
    def end_today(self, request, queryset):
        ended = 0
        for contract in queryset:
            try:
                services.contract_end(contract=contract, by=request.user)
                ended += 1
            except ValidationError as error:
                messages.warning(request, f"{contract}: {' '.join(error.messages)}")
        messages.success(request, _("Contratti terminati: %(n)d.") % {"n": ended})

    def has_delete_permission(self, request, obj=None):
        return False  # a contract that gave power stays on record: end it instead
