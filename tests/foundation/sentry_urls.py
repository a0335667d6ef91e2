"""A comune URL conf with one view that fails, to see what Sentry receives."""

from django.urls import path


def broken(request):
    raise RuntimeError("prova di errore")


urlpatterns = [path("rotto/", broken)]
