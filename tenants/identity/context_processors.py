from tenants.identity import oidc
from tenants.identity.selectors import can_book


def identity(request):
    """For every page: is SPID/CIE offered here, and must the signed-in person still confirm their address?"""
    user = getattr(request, "user", None)
    may_book = can_book(user)[0] if user is not None else True
    return {
        "spid_cie_enabled": oidc.is_enabled(getattr(request, "municipality", None)),
        "email_unverified": not may_book,
    }
