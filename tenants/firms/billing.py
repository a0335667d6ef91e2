"""What firms owe a comune for a month under their agreements: the implementation behind
`tenants.identity.agreements.agreement_bills`, which the comune's payments app calls to draw
up each agreement's monthly statement (src/payments/statements.py).

Read from the ledger of covered bookings (`AgreementUse`): the uses in this comune, in the
month, paid by the firm, that took a day from an employee's allowance (one per employee and
day: two bookings on one day are one day) and were not given back by a cancellation. The
amount of each is the agreed price per day fixed when the booking was made, so a price
changed mid-month bills each day at the price it was booked at. A monthly flat fee is billed
by the agreement's own comune (the union bills its own agreements' fees).
"""

from collections import defaultdict
from datetime import date, timedelta

from tenants.comuni.models import Municipality
from tenants.firms.models import Agreement, AgreementUse
from tenants.identity.agreements import AgreementBill, BillLine


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def bills(*, schema: str, month: date) -> list[AgreementBill]:
    municipality = Municipality.objects.filter(schema_name=schema).first()
    if municipality is None:
        return []
    month = month.replace(day=1)
    uses = (
        AgreementUse.objects.filter(
            municipality=municipality,
            day__gte=month,
            day__lt=_next_month(month),
            payer=AgreementUse.Payer.FIRM,
            counts_day=True,
            released_at__isnull=True,
        )
        .select_related("agreement", "agreement__firm")
        .order_by("day")
    )
    by_agreement: dict[int, list[AgreementUse]] = defaultdict(list)
    agreements: dict[int, Agreement] = {}
    for use in uses:
        by_agreement[use.agreement_id].append(use)
        agreements[use.agreement_id] = use.agreement
    for agreement in Agreement.objects.filter(
        municipality=municipality, terms=Agreement.Terms.FIRM_FLAT, flat_month_cents__isnull=False
    ).select_related("firm"):
        agreements.setdefault(agreement.pk, agreement)
    result = []
    for agreement_id, agreement in sorted(agreements.items()):
        mine = by_agreement.get(agreement_id, [])
        per_day: dict[date, list[AgreementUse]] = defaultdict(list)
        for use in mine:
            per_day[use.day].append(use)
        lines = tuple(
            BillLine(day=day, days=len(day_uses), amount_cents=sum(u.amount_cents or 0 for u in day_uses))
            for day, day_uses in sorted(per_day.items())
        )
        flat = agreement.flat_month_cents if agreement.terms == Agreement.Terms.FIRM_FLAT else None
        if flat is not None and agreement.municipality_id != municipality.pk:
            flat = None
        total = sum(line.amount_cents for line in lines) + (flat or 0)
        if not lines and not flat:
            continue
        result.append(
            AgreementBill(
                agreement_id=agreement_id,
                title=agreement.title,
                firm_name=agreement.firm.name,
                firm_tax_code=agreement.firm.tax_code,
                terms=agreement.terms,
                price_per_day_cents=agreement.price_per_day_cents,
                flat_month_cents=flat,
                days=len(mine),
                employees=len({use.enrolment_id for use in mine}),
                total_cents=total,
                lines=lines,
            )
        )
    return result
