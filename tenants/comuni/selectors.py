from django.conf import settings

from tenants.comuni.models import Domain, Municipality


def municipality_for_host(hostname: str) -> Municipality | None:
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return domain.tenant if domain else None


def host_is_registered(hostname: str) -> bool:
    """The union itself or a registered domain of a comune (platform subdomain or institutional)."""
    hostname = hostname.lower()
    return hostname == settings.UNION_DOMAIN or Domain.objects.filter(domain=hostname).exists()


def municipality_list():
    return Municipality.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).order_by("name")


def _origin(host: str, request=None) -> str:
    if request is not None:
        port = request.get_port()
        default = "443" if request.is_secure() else "80"
        return f"{request.scheme}://{host}{'' if port == default else ':' + port}"
    port = settings.SITE_PORT
    return f"{'https' if settings.HTTPS else 'http'}://{host}{':' + port if port else ''}"


def municipality_url(municipality: Municipality, path: str = "/", request=None) -> str:
    """Absolute URL on the comune's primary domain (e-mails and tasks have no request at hand)."""
    return _origin(municipality.primary_domain, request) + path


def union_url(path: str = "/", request=None) -> str:
    return _origin(settings.UNION_DOMAIN, request) + path


def host_url(host: str, path: str = "/", request=None) -> str:
    """Absolute URL on any host of the union (same scheme and port as the request)."""
    return _origin(host, request) + path
