"""Cesena's URL conf plus a sign-in under /api/ (as a token endpoint would be), to see the lockout's JSON."""

from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config import urls_tenant


@csrf_exempt
def api_sign_in(request):
    user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
    if user is None:
        return JsonResponse({"detail": "no", "code": "invalid_grant", "fields": {}}, status=400)
    return JsonResponse({"ok": True})


urlpatterns = [path("api/prova/accesso/", api_sign_in), *urls_tenant.urlpatterns]

handler400 = urls_tenant.handler400
handler403 = urls_tenant.handler403
handler404 = urls_tenant.handler404
handler500 = urls_tenant.handler500
