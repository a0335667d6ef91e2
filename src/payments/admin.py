"""Payments in the comune's admin: creditors, the price list with its reduced categories, and
the rules about refunds. For the comune's administrators only (operators run the front desk,
not the money); orders, payments and refunds are on the reconciliation page."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from src.common.admin import comune_admin
from src.hubs.admin import COMUNE_WIDE, HubScopedAdmin
from src.payments.models import Creditor, PaymentSettings, Price, PriceReduction
from src.payments.pricing import settings_get
from tenants.identity.admin_access import PolicyTabularInline
from tenants.identity.policy import Action
from tenants.identity.selectors import card_creditor_organisations


class MoneyAdmin(HubScopedAdmin):
    edit_action = Action.ADMINISTER_COMUNE
    view_action = None
    hub_path = COMUNE_WIDE


class CreditorForm(forms.ModelForm):
    """A card creditor is a Stripe Connect account typed here, or the cooperative running the
    comune's hubs under contract (its own account, kept in step with its record)."""

    operator_id = forms.TypedChoiceField(
        label=_("cooperativa di gestione"), required=False, coerce=int, empty_value=None
    )

    class Meta:
        model = Creditor
        fields = [
            "name",
            "kind",
            "is_active",
            "fiscal_code",
            "iban",
            "segregation_code",
            "broker_fiscal_code",
            "station_id",
            "taxonomy",
            "key_name",
            "operator_id",
            "stripe_account_id",
        ]

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = card_creditor_organisations(municipality) if municipality is not None else []
        self.fields["operator_id"].choices = [("", "—")] + [
            (pk, f"{name} ({account})") for pk, name, account in self.organisations
        ]

    def clean(self):
        data = super().clean()
        operator = data.get("operator_id")
        if operator:
            account = {pk: acct for pk, _name, acct in self.organisations}.get(operator)
            if account is None:
                raise forms.ValidationError(_("Questa cooperativa non ha un contratto attivo con il comune."))
            data["kind"] = Creditor.Kind.CARD
            data["stripe_account_id"] = account
            self.instance.stripe_account_id = account
            self.instance.kind = Creditor.Kind.CARD
        return data


class CreditorAdmin(MoneyAdmin):
    form = CreditorForm
    list_display = ["name", "kind", "fiscal_code", "stripe_account_id", "charges_enabled", "is_active"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["charges_enabled"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "is_active"]}),
        (
            _("pagoPA"),
            {
                "fields": [
                    "fiscal_code",
                    "iban",
                    "segregation_code",
                    "broker_fiscal_code",
                    "station_id",
                    "taxonomy",
                    "key_name",
                ]
            },
        ),
        (_("Carta (Stripe Connect)"), {"fields": ["operator_id", "stripe_account_id", "charges_enabled"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        municipality = getattr(request, "municipality", None)

        class WithComune(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, municipality=municipality, **inner)

        return WithComune

    def has_delete_permission(self, request, obj=None):
        return False  # orders keep pointing at it: deactivate instead


class ReductionInline(PolicyTabularInline):
    model = PriceReduction
    edit_action = Action.ADMINISTER_COMUNE
    extra = 1


class PriceAdmin(MoneyAdmin):
    list_display = ["product", "hub", "space_kind", "amount_cents", "entries", "creditor", "is_active"]
    list_filter = ["product", "is_active", ("hub", admin.RelatedOnlyFieldListFilter)]
    inlines = [ReductionInline]


class PaymentSettingsAdmin(MoneyAdmin):
    def has_add_permission(self, request, *args):
        return False  # one row per comune, created on first read

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect(f"{request.path}{settings_get().pk}/change/")


comune_admin.register(Creditor, CreditorAdmin)
comune_admin.register(Price, PriceAdmin)
comune_admin.register(PaymentSettings, PaymentSettingsAdmin)
