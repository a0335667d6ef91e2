"""The audit log in the union's admin: union staff read it, nobody adds, changes or deletes a row
(the database refuses it anyway: migration 0001). Comuni's administrators never see it: it is
not registered on the comune's admin site."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tenants.audit.models import AuditEntry
from tenants.identity.admin_access import PolicyModelAdmin
from tenants.identity.policy import Action
from tenants.union.admin import union_admin

UNION = "__union__"


class ComuneFilter(admin.SimpleListFilter):
    title = _("comune")
    parameter_name = "comune"

    def lookups(self, request, model_admin):
        from tenants.comuni.models import Municipality

        return [(UNION, _("Unione (nessun comune)"))] + [
            (m.slug, m.name) for m in Municipality.objects.exclude(schema_name="public").order_by("name")
        ]

    def queryset(self, request, queryset):
        if self.value() == UNION:
            return queryset.filter(comune__isnull=True)
        if self.value():
            return queryset.filter(comune=self.value())
        return queryset


class ActorFilter(admin.SimpleListFilter):
    title = _("chi")
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        actors = (
            AuditEntry.objects.exclude(actor_id__isnull=True)
            .values_list("actor_id", "actor_label")
            .order_by("actor_label")
            .distinct()[:200]
        )
        return [(str(pk), label) for pk, label in actors]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit():  # "²" is a digit int() refuses
            return queryset.filter(actor_id=int(value))
        return queryset


@admin.register(AuditEntry, site=union_admin)
class AuditEntryAdmin(PolicyModelAdmin):
    edit_action = Action.MANAGE_COMUNI
    view_action = Action.MANAGE_COMUNI
    list_display = ["at", "actor_label", "action", "target_type", "target_id", "description", "comune", "ip_address"]
    list_filter = [ComuneFilter, ActorFilter, "action", "at"]
    search_fields = ["actor_label", "target_type", "target_id", "request_id", "ip_address"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False  # the log grows without end: no second COUNT(*) per page
    fields = [
        "at",
        "actor_id",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "description",
        "comune",
        "path",
        "ip_address",
        "user_agent",
        "request_id",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
