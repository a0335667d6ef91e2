"""E-mails of the firms app, through the outbox (src/outbox), like every e-mail of the platform.

The outbox lives in the comuni's schemas (the public schema has none), so a firm's message
is written in the outbox of the comune that follows the firm (else the comune of its first
site, else the first comune), in the caller's transaction: a rolled-back invitation sends
nothing, a committed one is never lost. The drain of that comune sends it, reading the
invitation again (from the public schema, on the search path of every comune).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from src.outbox.services import outbox_enqueue, outbox_handler
from tenants.comuni.models import Municipality
from tenants.comuni.selectors import municipality_list, union_url

INVITED = "firms.invited"


def _outbox_comune(firm) -> Municipality | None:
    if firm.municipality_id:
        return firm.municipality
    site = firm.sites.order_by("pk").first()
    by_site = Municipality.objects.filter(istat_code=site.istat_code).first() if site else None
    return by_site or municipality_list().first()


def invitation_later(enrolment) -> None:
    municipality = _outbox_comune(enrolment.firm)
    if municipality is None:
        raise RuntimeError("No comune to send the invitation from: onboard a comune first.")
    with schema_context(municipality.schema_name):
        outbox_enqueue(kind=INVITED, obj_id=enrolment.pk)


@outbox_handler(INVITED)
def invited(message, municipality) -> None:
    from tenants.firms.models import Enrolment

    enrolment = Enrolment.objects.select_related("firm", "site").filter(pk=message.obj_id).first()
    if enrolment is None or enrolment.state != Enrolment.State.INVITED or not enrolment.email:
        return  # accepted, declined or withdrawn meanwhile: nothing to say
    with translation.override("it"):
        context = {
            "enrolment": enrolment,
            "firm": enrolment.firm,
            "url": union_url(reverse("account:firm", urlconf=settings.PUBLIC_SCHEMA_URLCONF)),
        }
        text = render_to_string("firms/email/invitation.txt", context)
        subject = _("%(firm)s ti invita a lavorare dagli hub di comunità") % {"firm": enrolment.firm.name}
    mail = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[enrolment.email]
    )
    mail.send()
