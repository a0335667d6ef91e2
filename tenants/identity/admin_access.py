"""Admin sites whose doors are opened by the role policy, not by `is_staff`."""

from functools import wraps

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants.identity.policy import Action, can
from tenants.identity.sso import union_sign_in_redirect


class PolicyAdminSite(admin.AdminSite):
    """An admin site for one place: the union (public schema) or the current comune."""

    action: Action

    def municipality(self, request):
        return getattr(request, "municipality", None)

    def has_permission(self, request):
        return can(request.user, self.action, self.municipality(request))

    def refusal_message(self, request) -> str:
        return _("Il tuo account non ha un ruolo che permetta di amministrare questo sito.")

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            # A signed-in person without the role gets a 403 that says why,
            # rather than being sent back to the login form.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(self.refusal_message(request))
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied(self.refusal_message(request))
        if request.method == "GET" and not request.user.is_authenticated:
            # The union's one sign-in page (single sign-on, tenants/identity/sso.py), not the
            # admin's own form, which refuses anyone without is_staff: roles open this site.
            return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse(f"{self.name}:index"))
        was_signed_in = request.user.is_authenticated
        response = super().login(request, extra_context)
        if request.method == "POST" and not was_signed_in and request.user.is_authenticated:
            # Signed in on a comune's host: the union too (single sign-on, tenants/identity/sso.py).
            return union_sign_in_redirect(request, next_url=response.url)
        return response


class PolicyPermissions:
    """Model permissions from the policy: `edit_action` to change, `view_action` to look."""

    edit_action: Action
    view_action: Action | None = None

    def _can(self, request, action):
        return action is not None and can(request.user, action, getattr(request, "municipality", None))

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._can(request, self.view_action) or self._can(request, self.edit_action)

    def has_add_permission(self, request, *args):
        return self._can(request, self.edit_action)

    def has_change_permission(self, request, obj=None):
        return self._can(request, self.edit_action)

    def has_delete_permission(self, request, obj=None):
        return self._can(request, self.edit_action)


class PolicyModelAdmin(PolicyPermissions, admin.ModelAdmin):
    pass


class PolicyTabularInline(PolicyPermissions, admin.TabularInline):
    pass
