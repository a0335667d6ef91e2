"""Picks the comune (schema) from the request's host."""

import time

import sentry_sdk
from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.comuni.selectors import municipality_for_host

# host -> (tenant, expiry). The domain lookup costs about a third of a simple GET;
# a short in-process cache removes it, and a changed domain shows within seconds.
_HOST_CACHE: dict[str, tuple[object, float]] = {}
HOST_CACHE_SECONDS = 30


def forget_hosts() -> None:
    _HOST_CACHE.clear()


class MunicipalityMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        connection.set_schema_to_public()
        hostname = request.get_host().split(":")[0].lower()
        request.municipality = None
        if hostname == settings.UNION_DOMAIN:
            request.tenant = connection.tenant
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            sentry_sdk.set_tag("comune", "public")
            return None

        cached = _HOST_CACHE.get(hostname)
        if cached and cached[1] > time.monotonic():
            tenant = cached[0]
        else:
            tenant = municipality_for_host(hostname)
            _HOST_CACHE[hostname] = (tenant, time.monotonic() + HOST_CACHE_SECONDS)
        if tenant is None:
            return render(request, "comuni/unknown_host.html", {"hostname": hostname}, status=404)

        request.tenant = request.municipality = tenant
        connection.set_tenant(tenant)
        request.urlconf = settings.ROOT_URLCONF
        sentry_sdk.set_tag("comune", tenant.schema_name)
        return None
