"""Admin sites whose doors are opened by the role policy, not by `is_staff`."""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import UniqueConstraint
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

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


# --- Italian messages: the right gender, and constraints as sentences ---------------------------

# Past participles by (gender, plural): Django's own "Il {name} “{obj}” è stato aggiunto" gets the
# article and the agreement wrong for every feminine name ("Il postazione … è stato aggiunto").
_DONE = {
    "added": {
        ("m", False): pgettext_lazy("maschile singolare", "aggiunto"),
        ("f", False): pgettext_lazy("femminile singolare", "aggiunta"),
        ("m", True): pgettext_lazy("maschile plurale", "aggiunti"),
        ("f", True): pgettext_lazy("femminile plurale", "aggiunte"),
    },
    "changed": {
        ("m", False): pgettext_lazy("maschile singolare", "salvato"),
        ("f", False): pgettext_lazy("femminile singolare", "salvata"),
        ("m", True): pgettext_lazy("maschile plurale", "salvati"),
        ("f", True): pgettext_lazy("femminile plurale", "salvate"),
    },
    "deleted": {
        ("m", False): pgettext_lazy("maschile singolare", "eliminato"),
        ("f", False): pgettext_lazy("femminile singolare", "eliminata"),
        ("m", True): pgettext_lazy("maschile plurale", "eliminati"),
        ("f", True): pgettext_lazy("femminile plurale", "eliminate"),
    },
}

# Said when the database refuses a row for a rule no form checked, and no sentence was written for it.
CONSTRAINT_FALLBACK = pgettext_lazy(
    "admin", "I dati non rispettano una regola dell'archivio (per esempio un doppione): controlla i valori e riprova."
)


def _constraint_name(error: IntegrityError) -> str:
    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    return getattr(diag, "constraint_name", "") or ""


class ConstraintMessagesForm:
    """Mixed into the admin's model forms: a violated constraint reads as a sentence.

    Django's model validation names the constraint ("Il vincolo “seat_label_unique_in_space”
    è stato violato."); `constraint_messages` maps those names to what a person understands.
    `integrity_error` is set on the second pass after the database refused the save."""

    constraint_messages: dict = {}
    integrity_error: str | None = None

    def _post_clean(self):
        super()._post_clean()
        replacements = self._constraint_replacements()
        if not replacements:
            return
        for errors in self._errors.values():
            for index, error in enumerate(errors.as_data()):
                text = " ".join(error.messages)
                if text in replacements:
                    errors.data[index] = ValidationError(replacements[text], code="constraint")

    def _constraint_replacements(self) -> dict[str, str]:
        model = self._meta.model
        found = {}
        for constraint in model._meta.constraints:
            message = self.constraint_messages.get(constraint.name)
            if message is None:
                continue
            found[str(constraint.get_violation_error_message())] = str(message)
            if isinstance(constraint, UniqueConstraint) and constraint.fields:
                default = self.instance.unique_error_message(model, tuple(constraint.fields))
                found[" ".join(default.messages)] = str(message)
        return found

    def clean(self):
        cleaned = super().clean()
        if self.integrity_error:
            raise ValidationError(self.integrity_error, code="constraint")
        return cleaned


def with_constraint_messages(form_class, messages_by_name: dict, integrity_error: str | None = None):
    return type(
        form_class.__name__,
        (ConstraintMessagesForm, form_class),
        {"constraint_messages": messages_by_name, "integrity_error": integrity_error},
    )


class ItalianAdminMixin:
    """Messages that agree with the model's name, and database refusals shown on the form.

    `grammatical_gender` ("m" or "f") and `grammatical_plural` say how the model's
    verbose name agrees; `constraint_messages` maps constraint names to sentences."""

    grammatical_gender = "m"
    grammatical_plural = False
    constraint_messages: dict = {}

    def done_message(self, obj, what: str) -> str:
        done = _DONE[what][(self.grammatical_gender, self.grammatical_plural)]
        return _("%(name)s «%(obj)s» %(done)s.") % {
            "name": capfirst(self.opts.verbose_name),
            "obj": obj,
            "done": done,
        }

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        replacement = getattr(request, "_admin_done_message", None)
        if replacement is not None and level == messages.SUCCESS:
            message = replacement
        return super().message_user(request, message, level, *args, **kwargs)

    def _with_done_message(self, request, message, respond):
        request._admin_done_message = message
        try:
            return respond()
        finally:
            del request._admin_done_message

    def response_add(self, request, obj, post_url_continue=None):
        return self._with_done_message(
            request,
            self.done_message(obj, "added"),
            lambda: super(ItalianAdminMixin, self).response_add(request, obj, post_url_continue),
        )

    def response_change(self, request, obj):
        return self._with_done_message(
            request,
            self.done_message(obj, "changed"),
            lambda: super(ItalianAdminMixin, self).response_change(request, obj),
        )

    def response_delete(self, request, obj_display, obj_id):
        return self._with_done_message(
            request,
            self.done_message(obj_display, "deleted"),
            lambda: super(ItalianAdminMixin, self).response_delete(request, obj_display, obj_id),
        )

    def delete_queryset(self, request, queryset):
        count = queryset.count()
        super().delete_queryset(request, queryset)
        # The bulk action's own "Cancellati/e con successo 3 postazione" becomes "3 postazioni eliminate.".
        plural = count != 1 or self.grammatical_plural
        done = _DONE["deleted"][(self.grammatical_gender, plural)]
        name = self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural
        request._admin_done_message = _("%(count)d %(name)s %(done)s.") % {"count": count, "name": name, "done": done}

    def all_constraint_messages(self, request=None) -> dict:
        found = dict(self.constraint_messages)
        for inline in getattr(self, "inlines", []):
            found.update(getattr(inline, "constraint_messages", {}))
        return found

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return with_constraint_messages(
            form, self.all_constraint_messages(request), getattr(request, "_admin_integrity_error", None)
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            # The admin's own transaction has rolled back: show the form again, as typed, with the
            # refusal as a sentence on it (never the constraint's name, never a 500).
            if request.method != "POST":
                raise
            name = _constraint_name(error)
            request._admin_integrity_error = str(self.all_constraint_messages(request).get(name, CONSTRAINT_FALLBACK))
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            finally:
                del request._admin_integrity_error


class BoundedChangeList(ChangeList):
    """The list's date hierarchy read from the query string: a year past any date (?anno__year=
    99999999999999999999, or December of 9999, whose end falls past year 9999) is a bad lookup,
    like a malformed one, not a 500 (Django catches only ValueError there)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class PolicyModelAdmin(ItalianAdminMixin, PolicyPermissions, admin.ModelAdmin):
    def get_changelist(self, request, **kwargs):
        return BoundedChangeList


class PolicyTabularInline(PolicyPermissions, admin.TabularInline):
    constraint_messages: dict = {}

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("form", with_constraint_messages(self.form, self.constraint_messages))
        return super().get_formset(request, obj, **kwargs)
