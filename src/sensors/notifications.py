"""The CO2 alert to a hub's operators, sent through the outbox and each person's channel."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from src.common.time import when
from src.outbox.channels import Notice, notice_deliver
from src.outbox.services import outbox_handler
from src.sensors.models import AirAlert
from src.sensors.selectors import hub_alert_recipients
from src.sensors.services import CO2_ALERT
from tenants.comuni.selectors import municipality_url


@outbox_handler(CO2_ALERT)
def co2_alert(message, municipality) -> None:
    alert = AirAlert.objects.select_related("sensor__space__hub").get(pk=message.obj_id)
    space = alert.sensor.space
    url = municipality_url(municipality, reverse("sensors:kiosk", args=[space.hub.slug]))
    for person in hub_alert_recipients(space.hub):
        with translation.override(person.language or "it"):
            context = {
                "person": person,
                "alert": alert,
                "space": space,
                "hub": space.hub,
                "line": int(settings.SENSORS_CO2_ALERT_PPM),
                "minutes": settings.SENSORS_ALERT_MINUTES,
                "since": when(alert.started_at),
                "url": url,
            }
            subject = _("Aria da cambiare: CO₂ oltre %(line)s ppm in %(space)s") % {
                "line": context["line"],
                "space": space.name,
            }
            text = render_to_string("sensors/email/co2_alert.txt", context)
            notice_deliver(
                person=person,
                municipality=municipality,
                notice=Notice(
                    subject=subject,
                    markdown=render_to_string("sensors/email/co2_alert.md", context),
                    url=url,
                    send_email=lambda subject=subject, text=text, person=person: send_mail(
                        subject, text, settings.DEFAULT_FROM_EMAIL, [person.email]
                    ),
                ),
            )
