from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.identity.admin_access import PolicyAdminSite
from tenants.identity.policy import Action


class ComuneAdminSite(PolicyAdminSite):
    """The comune's administration area: administrators edit, operators look."""

    action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    site_title = gettext_lazy("Amministrazione del comune")
    index_title = gettext_lazy("Hub di comunità")

    def each_context(self, request):
        context = super().each_context(request)
        name = getattr(request, "municipality", None)
        context["site_header"] = _("Comune di %(name)s: amministrazione") % {"name": name}
        return context

    def refusal_message(self, request):
        return _("Non hai un ruolo di amministrazione nel Comune di %(name)s.") % {"name": request.municipality}


comune_admin = ComuneAdminSite(name="comune_admin")
