from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from tenants.comuni.models import Domain, Municipality
from tenants.comuni.services import municipality_create, platform_domain
from tenants.identity.admin_access import PolicyAdminSite, PolicyModelAdmin, PolicyTabularInline
from tenants.identity.models import Role, User
from tenants.identity.policy import Action


class UnionAdminSite(PolicyAdminSite):
    action = Action.MANAGE_COMUNI
    site_header = _("Unione Valle del Savio: amministrazione")
    site_title = _("Amministrazione dell'Unione")


union_admin = UnionAdminSite(name="union_admin")


class DomainInline(PolicyTabularInline):
    edit_action = Action.MANAGE_COMUNI
    model = Domain
    extra = 0


@admin.register(Municipality, site=union_admin)
class MunicipalityAdmin(PolicyModelAdmin):
    edit_action = Action.MANAGE_COMUNI
    list_display = ["name", "slug", "istat_code", "province", "schema_name"]
    fields = ["name", "slug", "istat_code", "province", "schema_name"]
    inlines = [DomainInline]

    def get_readonly_fields(self, request, obj=None):
        # The slug names the schema and the subdomain: fixed once the comune exists.
        return ["schema_name"] if obj is None else ["slug", "schema_name"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A new comune goes through the same service as `create_comune`: schema (cloned
        # from the template), platform domain, then the domains typed in the inline.
        outcome = municipality_create(slug=obj.slug, name=obj.name, istat_code=obj.istat_code, province=obj.province)
        obj.pk, obj.schema_name = outcome.municipality.pk, outcome.municipality.schema_name
        obj._state.adding = False
        messages.success(
            request,
            _("Comune creato: schema «%(schema)s», sito %(domain)s (in %(seconds).1f s).")
            % {"schema": obj.schema_name, "domain": platform_domain(obj.slug), "seconds": outcome.seconds},
        )

    def has_delete_permission(self, request, obj=None):
        return False  # a comune's schema is never dropped from a web form


class RoleInline(PolicyTabularInline):
    edit_action = Action.MANAGE_COMUNI
    model = Role
    constraint_messages = {
        "role_once_per_comune": _("Questa persona ha già questo ruolo in questo comune."),
        "union_role_once": _("Questa persona ha già questo ruolo nell'Unione."),
    }
    extra = 0


@admin.register(User, site=union_admin)
class PersonAdmin(PolicyModelAdmin, UserAdmin):
    edit_action = Action.MANAGE_COMUNI
    grammatical_gender = "f"  # la persona
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "home_municipality", "is_active"]
    search_fields = ["email", "first_name", "last_name", "fiscal_code", "fiscal_code_verified"]
    list_filter = ["is_active", "home_municipality"]
    filter_horizontal = []
    inlines = [RoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Dati personali"),
            {"fields": ["first_name", "last_name", "fiscal_code", "phone", "home_municipality", "language"]},
        ),
        (_("Stato"), {"fields": ["is_active", "is_superuser", "date_joined", "last_login"]}),
        # Set only by SPID/CIE and by the confirmation link (tenants/identity): shown, never typed.
        (
            _("Verifiche"),
            {
                "fields": [
                    "fiscal_code_verified",
                    "fiscal_code_verified_by",
                    "fiscal_code_verified_at",
                    "email_verified_address",
                    "email_verified_at",
                ]
            },
        ),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]
    readonly_fields = [
        "date_joined",
        "last_login",
        "is_superuser",
        "fiscal_code_verified",
        "fiscal_code_verified_by",
        "fiscal_code_verified_at",
        "email_verified_address",
        "email_verified_at",
    ]

    def has_delete_permission(self, request, obj=None):
        # A person's bookings live in the comuni's schemas, out of reach of a delete
        # from the public schema: an account is deleted only by its owner's erasure
        # ("cancella il mio account" in the personal area, tenants/account/erasure.py),
        # which anonymises their rows in every comune first. Here people are deactivated.
        return False


@admin.register(AccessAttempt, site=union_admin)
class FailedSignInAdmin(PolicyModelAdmin):
    """Failed sign-ins still counting towards a lockout (tenants/identity/lockout.py), for every host of the
    union. Deleting a row lifts the lockout it causes; rows go by themselves after the cool-off."""

    edit_action = Action.MANAGE_COMUNI
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "path_info"]
    search_fields = ["username", "ip_address"]
    # What was posted is left out, though axes masks the password: it is not needed to unlock anyone.
    fields = ["username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
