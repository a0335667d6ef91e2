from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from tenants.audit.admin_mixins import AuditedAdmin
from tenants.audit.services import AuditAction, audit_record
from tenants.comuni.models import Domain, Municipality
from tenants.comuni.services import municipality_create, platform_domain
from tenants.identity.admin_access import PolicyAdminSite, PolicyModelAdmin, PolicyTabularInline
from tenants.identity.models import Role, User
from tenants.identity.policy import Action
from tenants.identity.second_factor import second_factor_reset
from tenants.identity.sso import sessions_end_all


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


def role_description(role: Role) -> str:
    where = role.municipality.slug if role.municipality_id else _("Unione")
    return _("Ruolo «%(kind)s» in: %(where)s") % {"kind": role.get_kind_display(), "where": where}


@admin.register(User, site=union_admin)
class PersonAdmin(AuditedAdmin, PolicyModelAdmin, UserAdmin):
    """People: every list, search and page is on the audit log, and so are the roles granted
    and revoked here and the passwords staff set (tenants/audit/)."""

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
    actions = ["second_factor_reset_action"]
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Role:
            return super().save_formset(request, form, formset, change)
        # Deleted roles, and the former state of changed ones, read before the save changes them.
        deleted = [f for f in formset.deleted_forms if f.instance.pk]
        changed = [
            f.instance.pk for f in formset.initial_forms if f.instance.pk and f.has_changed() and f not in deleted
        ]
        before = Role.objects.select_related("municipality").filter(pk__in=[f.instance.pk for f in deleted] + changed)
        revoked_labels = [(role.pk, role_description(role), role.municipality) for role in before]
        super().save_formset(request, form, formset, change)
        for pk, description, municipality in revoked_labels:
            audit_record(
                request=request,
                action=AuditAction.ROLE_REVOKE,
                target=("identity.role", pk),
                description=description,
                comune=municipality,
            )
        granted = list(formset.new_objects) + [role for role, _fields in formset.changed_objects]
        for role in granted:
            audit_record(
                request=request,
                action=AuditAction.ROLE_GRANT,
                target=role,
                description=role_description(role),
                comune=role.municipality,
            )

    def user_change_password(self, request, id, form_url=""):
        request.audit_password_form = True  # its log_change is a password set, below
        return super().user_change_password(request, id, form_url)

    def log_change(self, request, obj, message):
        if not getattr(request, "audit_password_form", False):
            return super().log_change(request, obj, message)
        audit_record(
            request=request,
            action=AuditAction.PASSWORD_SET,
            target=obj,
            description=_("Password impostata o disattivata dal personale dell'Unione"),
        )
        return super(AuditedAdmin, self).log_change(request, obj, message)

    @admin.action(description=_("Azzera il secondo fattore (telefono e codici di recupero persi)"))
    def second_factor_reset_action(self, request, queryset):
        # The app and the recovery codes are forgotten and every session ends: at the next
        # sign-in the person sets a new app up (tenants/identity/second_factor.py).
        for person in queryset:
            second_factor_reset(user=person)
            sessions_end_all(person)
            audit_record(
                request=request, action=AuditAction.CHANGE, target=person, description=_("Secondo fattore azzerato")
            )
        messages.success(
            request,
            _("Secondo fattore azzerato per %(count)d persone: al prossimo accesso ne attiveranno uno nuovo.")
            % {"count": queryset.count()},
        )

    def has_delete_permission(self, request, obj=None):
        # A person's bookings live in the comuni's schemas, out of reach of a delete
        # from the public schema: an account is deleted only by its owner's erasure
        # ("cancella il mio account" in the personal area, tenants/account/erasure.py),
        # which anonymises their rows in every comune first. Here people are deactivated.
        return False


@admin.register(AccessAttempt, site=union_admin)
class FailedSignInAdmin(AuditedAdmin, PolicyModelAdmin):
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
