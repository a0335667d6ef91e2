"""The legal pages every public-administration site links from its footer."""

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
    return render(request, f"portal/legal/{page}.html", {"title": PAGES[page]})
