from django.contrib import admin

from tenants.audit.admin_mixins import AuditedAdmin
from tenants.identity.admin_access import PolicyModelAdmin
from tenants.identity.policy import Action
from tenants.reporting.models import CommuteProfile
from tenants.union.admin import union_admin


@admin.register(CommuteProfile, site=union_admin)
class CommuteProfileAdmin(AuditedAdmin, PolicyModelAdmin):
    edit_action = Action.MANAGE_COMUNI
    list_display = ["user", "workplace_istat_code", "commute_km", "is_public_employee", "consented_at", "updated_at"]
    # Consent is the person's own, given in their personal area: nobody gives it for them here.
    readonly_fields = ["consented_at"]
    list_filter = ["is_public_employee", "workplace_istat_code"]
    search_fields = ["user__email", "user__last_name"]
    raw_id_fields = ["user"]
