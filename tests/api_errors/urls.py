"""Cesena's URL conf plus a few views no real URL offers: a plain Django view under /api/
(for Django's CSRF check), views that crash or throttle, to see what a client gets."""

from django.db import IntegrityError
from django.http import HttpResponse
from django.urls import path
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from config import urls_tenant


def plain_post(request):
    return HttpResponse("ok")


def broken(request):
    raise RuntimeError("traceback che nessuno deve vedere")


class BrokenApi(APIView):
    def get(self, request):
        raise RuntimeError("traceback che nessuno deve vedere")


class DuplicateApi(APIView):
    def get(self, request):
        raise IntegrityError('duplicate key value violates unique constraint "segreto"')


class AlwaysThrottled(BaseThrottle):
    def allow_request(self, request, view):
        return False

    def wait(self):
        return 30


class ThrottledApi(APIView):
    throttle_classes = [AlwaysThrottled]

    def get(self, request):
        return HttpResponse("mai")


urlpatterns = [
    path("api/prova/modulo/", plain_post),
    path("api/prova/rotto/", BrokenApi.as_view()),
    path("api/prova/rotto-django/", broken),
    path("api/prova/duplicato/", DuplicateApi.as_view()),
    path("api/prova/limite/", ThrottledApi.as_view()),
    path("prova/rotto/", broken),
    *urls_tenant.urlpatterns,
]

handler400 = urls_tenant.handler400
handler403 = urls_tenant.handler403
handler404 = urls_tenant.handler404
handler500 = urls_tenant.handler500
