from django.conf import settings


def site(request):
    """The comune the page belongs to (None on the union site)."""
    return {
        "municipality": getattr(request, "municipality", None),
        "union_name": settings.UNION_NAME,
    }
