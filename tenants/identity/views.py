from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tenants.identity.forms import RegistrationForm
from tenants.identity.throttling import throttle


@throttle("signup")
def register(request):
    if request.user.is_authenticated:
        return redirect("/")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Benvenuta, benvenuto! Il tuo account vale in tutti i comuni dell'Unione."))
        return redirect("/")
    return render(request, "identity/register.html", {"form": form}, status=400 if form.errors else 200)
