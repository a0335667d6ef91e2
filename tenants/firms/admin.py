"""Firms and agreements in the union's admin (union staff): full editing; comuni use /aziende/gestione/."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tenants.firms import services
from tenants.firms.models import Agreement, AgreementHub, Firm, FirmManager, WorkSite
from tenants.identity.admin_access import PolicyModelAdmin, PolicyTabularInline
from tenants.identity.policy import Action
from tenants.union.admin import union_admin


class WorkSiteInline(PolicyTabularInline):
    edit_action = Action.MANAGE_COMUNI
    model = WorkSite
    extra = 0


class FirmManagerInline(PolicyTabularInline):
    edit_action = Action.MANAGE_COMUNI
    model = FirmManager
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Firm, site=union_admin)
class FirmAdmin(PolicyModelAdmin):
    edit_action = Action.MANAGE_COMUNI
    list_display = ["name", "tax_code", "kind", "size_band", "municipality", "state"]
    list_filter = ["state", "kind", "municipality"]
    search_fields = ["name", "tax_code"]
    readonly_fields = ["enrolment_code", "applied_by", "reviewed_by", "reviewed_at"]
    inlines = [WorkSiteInline, FirmManagerInline]
    actions = ["approve"]

    @admin.action(description=_("Approva le domande selezionate"))
    def approve(self, request, queryset):
        for firm in queryset.filter(state=Firm.State.APPLIED):
            services.firm_review(firm=firm, reviewer=request.user, approve=True)
        messages.success(request, _("Domande approvate."))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is FirmManager:
            # The role that the firm scope narrows: given with the first firm, taken with the last.
            for manager in FirmManager.objects.filter(firm=form.instance):
                services.manager_grant(firm=form.instance, user=manager.user)


class AgreementHubInline(PolicyTabularInline):
    edit_action = Action.MANAGE_COMUNI
    model = AgreementHub
    extra = 0


@admin.register(Agreement, site=union_admin)
class AgreementAdmin(PolicyModelAdmin):
    edit_action = Action.MANAGE_COMUNI
    list_display = ["title", "firm", "municipality", "state", "valid_from", "valid_to", "allowance_days", "terms"]
    list_filter = ["state", "terms", "municipality"]
    search_fields = ["title", "firm__name"]
    filter_horizontal = ["sites"]
    inlines = [AgreementHubInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        def clean_document(self):
            upload = self.cleaned_data.get("document")
            if upload and hasattr(upload, "size"):
                services.pdf_validate(upload)
            return upload

        form.clean_document = clean_document
        return form

    def has_delete_permission(self, request, obj=None):
        return False  # bookings in the comuni point at agreements: end them instead
