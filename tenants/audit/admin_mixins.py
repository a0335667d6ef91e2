"""`AuditedAdmin`: an admin whose lists and pages show personal data writes the audit log.

Put it first among an admin's bases (both admin sites use it: the union's people, the comune's
bookings, waiting lists, events). Each list looked at, each search, each page opened and
each addition, change or deletion is one entry; what was searched for is never stored,
only whether it looked like a fiscal code.
"""

import re

from django.utils.translation import gettext as _

from tenants.audit.services import AuditAction, audit_record
from tenants.identity.fiscal_code import normalize_fiscal_code

# A fiscal code, whole or its first part: six letters (surname, name), then the year of birth.
_FISCAL_CODE_LIKE = re.compile(r"^[A-Z]{6}[0-9LMNP-V]{2}")


def looks_like_fiscal_code(term: str) -> bool:
    return bool(_FISCAL_CODE_LIKE.match(normalize_fiscal_code(term)))


class AuditedAdmin:
    # False where the list itself shows no personal data (the events): its pages still are recorded.
    audit_lists = True

    def _audit(self, request, action, target, description):
        audit_record(request=request, action=action, target=target, description=description)

    def _plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200 and self.audit_lists:
            term = request.GET.get("q", "").strip()
            if term:
                how = _("per codice fiscale") if looks_like_fiscal_code(term) else _("per nome, e-mail o codice")
                self._audit(
                    request,
                    AuditAction.SEARCH,
                    self.model,
                    _("Ricerca %(how)s in: %(what)s") % {"how": how, "what": self._plural()},
                )
            else:
                self._audit(request, AuditAction.READ, self.model, _("Elenco: %(what)s") % {"what": self._plural()})
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._audit(
                request,
                AuditAction.READ,
                (self.model._meta.label_lower, object_id),
                _("Scheda: %(what)s") % {"what": self.model._meta.verbose_name},
            )
        return response

    def log_addition(self, request, obj, message):
        self._audit(request, AuditAction.CHANGE, obj, _("Aggiunta: %(what)s") % {"what": self.model._meta.verbose_name})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        fields = sorted({str(f) for part in message or [] for f in part.get("changed", {}).get("fields", [])})
        self._audit(
            request,
            AuditAction.CHANGE,
            obj,
            _("Modifica: %(what)s (%(fields)s)")
            % {"what": self.model._meta.verbose_name, "fields": ", ".join(fields) or "-"},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(
                request, AuditAction.CHANGE, obj, _("Eliminazione: %(what)s") % {"what": self.model._meta.verbose_name}
            )
        return super().log_deletions(request, queryset)
