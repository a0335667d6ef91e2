from django.shortcuts import render

from tenants.comuni.selectors import municipality_list, municipality_url


def home(request):
    comuni = [(m, municipality_url(m, request=request)) for m in municipality_list().prefetch_related("domains")]
    return render(request, "union/home.html", {"comuni": comuni})
