"""Which agreement covers a booking, and the allowance it takes: the implementation behind
`tenants.identity.agreements`, which the comuni's bookings call inside their own transaction.

Allowance: days, not bookings. An employee's allowance is counted per agreement and
calendar month (of the booking's local day) in one `AllowanceMonth` row, locked
(`SELECT … FOR UPDATE`) while a booking takes or gives back a day: two bookings racing,
in one comune or in two, wait for each other, so twenty at once against 3 days give 3.
A second booking on a day already taken takes nothing (its use has `counts_day` false);
cancelling the booking that took the day passes it to another live booking of that day,
else gives the day back. No-shows keep their day (the firm's place was held).
"""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import formats
from django.utils.translation import gettext as _

from tenants.comuni.models import Municipality
from tenants.firms.models import Agreement, AgreementUse, AllowanceMonth, Enrolment, Firm
from tenants.identity.agreements import Cover, CoverRefused


def covering(*, person, municipality, hub_id: int, day: date) -> list[tuple[Agreement, Enrolment]]:
    """(agreement, enrolment) pairs that would cover `person` booking hub `hub_id` of
    `municipality` on `day`, oldest agreement first."""
    enrolments = {
        e.firm_id: e
        for e in Enrolment.objects.filter(
            user=person, state=Enrolment.State.ACTIVE, firm__state=Firm.State.ACTIVE
        ).select_related("site", "firm")
    }
    if not enrolments:
        return []
    agreements = (
        Agreement.objects.filter(firm_id__in=enrolments, state=Agreement.State.ACTIVE, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .filter(Q(municipality__isnull=True) | Q(municipality=municipality))
        .filter(Q(all_hubs=True) | Q(hubs__municipality=municipality, hubs__hub_id=hub_id))
        .select_related("firm")
        .prefetch_related("sites")
        .distinct()
        .order_by("id")
    )
    pairs = []
    for agreement in agreements:
        enrolment = enrolments[agreement.firm_id]
        if agreement.all_employees or enrolment.site_id in {site.pk for site in agreement.sites.all()}:
            pairs.append((agreement, enrolment))
    return pairs


def enrolled(*, person) -> bool:
    if not person.firm_employee:
        return False
    return Enrolment.objects.filter(user=person, state=Enrolment.State.ACTIVE, firm__state=Firm.State.ACTIVE).exists()


def employee_flags_sync(user_ids) -> None:
    """Set `User.firm_employee` of these people from their enrolments (in the caller's transaction)."""
    user_ids = {pk for pk in user_ids if pk is not None}
    if user_ids:
        active = Enrolment.objects.filter(user=OuterRef("pk"), state=Enrolment.State.ACTIVE)
        get_user_model().objects.filter(pk__in=user_ids).update(firm_employee=Exists(active))


def enrolment_before_save(sender, instance: Enrolment, **kwargs) -> None:
    # Leaving clears the enrolment's person: remember who it was, so their flag is recomputed too.
    instance._user_before = (
        Enrolment.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first() if instance.pk else None
    )


def enrolment_changed(sender, instance: Enrolment, **kwargs) -> None:
    employee_flags_sync({instance.user_id, getattr(instance, "_user_before", None)})
    # The person object the caller holds (the one signed in, say) sees the change at once.
    if instance.user_id is not None and Enrolment.user.is_cached(instance):
        instance.user.refresh_from_db(fields=["firm_employee"])


def _counter_locked(agreement: Agreement, enrolment: Enrolment, month: date) -> AllowanceMonth:
    # Created if missing (ON CONFLICT DO NOTHING: two first bookings of a month may race), then locked.
    AllowanceMonth.objects.bulk_create(
        [AllowanceMonth(agreement=agreement, enrolment=enrolment, month=month)], ignore_conflicts=True
    )
    return AllowanceMonth.objects.select_for_update().get(agreement=agreement, enrolment=enrolment, month=month)


def _owed(agreement: Agreement, counts_day: bool) -> dict:
    if agreement.terms == Agreement.Terms.FIRM_PER_DAY:
        amount = (agreement.price_per_day_cents or 0) if counts_day else 0
    elif agreement.terms == Agreement.Terms.FIRM_FLAT:
        amount = 0  # the month's flat fee covers it
    else:
        amount = None  # a percentage off a price that payments will bring
    return {
        "firm": agreement.firm.name,
        "payer": agreement.payer,
        "terms": agreement.terms,
        "amount_cents": amount,
        "discount_percent": agreement.discount_percent if agreement.terms == Agreement.Terms.DISCOUNT else None,
        "flat_month_cents": agreement.flat_month_cents if agreement.terms == Agreement.Terms.FIRM_FLAT else None,
        "counts_day": counts_day,
    }


def _live_uses(agreement, enrolment, day: date):
    return AgreementUse.objects.filter(agreement=agreement, enrolment=enrolment, day=day, released_at__isnull=True)


def cover_take(
    *, person, schema: str, hub_id: int, day: date, booking_code: str, now: datetime, use_agreement: bool = True
) -> Cover | None:
    if not use_agreement or not person.firm_employee:
        return None
    # The comune being served (django-tenants' connection.tenant) is the one asked about.
    tenant = getattr(connection, "tenant", None)
    municipality = (
        tenant
        if isinstance(tenant, Municipality) and tenant.schema_name == schema
        else Municipality.objects.filter(schema_name=schema).first()
    )
    if municipality is None:
        return None
    pairs = covering(person=person, municipality=municipality, hub_id=hub_id, day=day)
    exhausted = None
    for agreement, enrolment in pairs:
        counter = _counter_locked(agreement, enrolment, day.replace(day=1))
        if _live_uses(agreement, enrolment, day).filter(counts_day=True).exists():
            counts_day = False
        elif agreement.allowance_days is None or counter.days_used < agreement.allowance_days:
            counts_day = True
            counter.days_used += 1
            counter.save(update_fields=["days_used"])
        else:
            exhausted = exhausted or agreement
            continue
        owed = _owed(agreement, counts_day)
        home = getattr(person, "home_municipality", None)
        AgreementUse.objects.create(
            agreement=agreement,
            enrolment=enrolment,
            municipality=municipality,
            booking_code=booking_code,
            hub_id=hub_id,
            day=day,
            counts_day=counts_day,
            payer=owed["payer"],
            terms=agreement.terms,
            amount_cents=owed["amount_cents"],
            discount_percent=owed["discount_percent"],
            site=enrolment.site,
            home_istat_code=home.istat_code if home is not None else "",
            created_at=now,
        )
        return Cover(agreement_id=agreement.pk, firm_name=agreement.firm.name, terms=owed)
    if exhausted is not None:
        raise CoverRefused(
            _(
                "Hai già usato i %(days)d giorni di %(month)s previsti dalla convenzione «%(firm)s». "
                "Puoi prenotare a tue spese togliendo la spunta «Usa la convenzione della mia azienda»."
            )
            % {
                "days": exhausted.allowance_days,
                "month": formats.date_format(day, "F Y"),
                "firm": exhausted.firm.name,
            }
        )
    return None


def cover_release(*, schema: str, booking_code: str, now: datetime) -> None:
    use = (
        AgreementUse.objects.filter(
            municipality__schema_name=schema, booking_code=booking_code, released_at__isnull=True
        )
        .select_related("agreement", "enrolment")
        .first()
    )
    if use is None:
        return
    counter = _counter_locked(use.agreement, use.enrolment, use.day.replace(day=1))
    took_day = use.counts_day
    use.released_at = now
    use.save(update_fields=["released_at"])
    if not took_day:
        return
    heir = _live_uses(use.agreement, use.enrolment, use.day).order_by("created_at", "id").first()
    if heir is not None:
        # Another booking of that day still uses it: the day stays taken, and billed to it.
        heir.counts_day = True
        heir.amount_cents = use.amount_cents
        heir.save(update_fields=["counts_day", "amount_cents"])
    else:
        counter.days_used = max(counter.days_used - 1, 0)
        counter.save(update_fields=["days_used"])
