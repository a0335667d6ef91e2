"""The legal pages every public-administration site links from its footer."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

PAGES = {
    "privacy": _("Informativa sul trattamento dei dati personali"),
    "note-legali": _("Note legali"),
    "accessibilita": _("Dichiarazione di accessibilità"),
}


def legal(request, page):
    if page not in PAGES:
        raise Http404
    context = {"title": PAGES[page]}
    if page == "privacy":
        # The retention the comuni's jobs apply (src/common/retention.py), stated as it is configured.
        context["retention_months"] = settings.GDPR_RETENTION_MONTHS
        context["session_days"] = settings.SESSION_COOKIE_AGE // 86400
    return render(request, f"portal/legal/{page}.html", context)
