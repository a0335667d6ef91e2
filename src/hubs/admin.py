"""The hubs catalogue in the comune's admin: administrators edit, operators look
at the hubs they are assigned to, everyone else is refused by the site."""

from django import forms
from django.contrib import admin, messages
from django.contrib.postgres.fields import ArrayField
from django.core import checks
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from src.common.admin import comune_admin
from src.hubs import services
from src.hubs.models import (
    Closure,
    Hub,
    HubOperator,
    HubPhoto,
    Layout,
    LayoutSchedule,
    OpeningHours,
    Seat,
    Space,
    SpecialOpening,
)
from src.hubs.photos import PhotoRefused, photo_prepare
from src.hubs.plan_admin import SpacePlanAdminMixin
from tenants.audit.admin_mixins import AuditedAdmin
from tenants.audit.services import AuditAction, audit_record
from tenants.identity.admin_access import PolicyModelAdmin, PolicyTabularInline
from tenants.identity.models import Role, User
from tenants.identity.policy import Action, can

COMUNE_WIDE = "<comune>"
"""`hub_path` of an admin whose rows belong to the whole comune, not to a hub (the booking policy)."""


def hubs_in_scope(request, queryset, hub_path: str):
    """Administrators see every hub of the comune; operators only those assigned to them
    (HubOperator, as the front desk: src/hubs/permissions.py); rows of the whole comune, everyone."""
    if hub_path == COMUNE_WIDE or can(request.user, Action.ADMINISTER_COMUNE, getattr(request, "municipality", None)):
        return queryset
    mine = HubOperator.objects.filter(user=request.user).values("hub_id")
    return queryset.filter(**{f"{hub_path}__in" if hub_path else "pk__in": mine})


class HubScopedAdmin(PolicyModelAdmin):
    """Every ModelAdmin of the comune's admin: an operator sees only the rows of their hubs in
    the list, the filters, the pages (another hub's row by id: 404), the actions (they receive
    the list's queryset) and the choices of related rows (foreign keys, autocomplete).

    Each admin declares `hub_path`, the lookup from its model to the hub ("" for the hub
    itself, "hub", "space__hub"), or COMUNE_WIDE; `manage.py check` refuses one that does not,
    and tests/hubs/test_operator_scope.py walks every registered admin.
    """

    hub_path: str | None = None

    def get_queryset(self, request):
        return hubs_in_scope(request, super().get_queryset(request), self.hub_path)

    def _scoped_choices(self, request, model):
        related = self.admin_site._registry.get(model)
        return related.get_queryset(request) if isinstance(related, HubScopedAdmin) else None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = self._scoped_choices(request, db_field.related_model)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = self._scoped_choices(request, db_field.related_model)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Out of scope or gone: the same answer, so an id guessed tells nothing.
        raise Http404(_("Non trovato: %(what)s con id %(id)s.") % {"what": opts.verbose_name, "id": object_id})

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.hub_path is None:
            errors.append(
                checks.Error(
                    f"{type(self).__name__} declares no hub_path: operators would see every hub's rows.",
                    hint='Set hub_path to the lookup from the model to its hub ("hub", "space__hub"), or COMUNE_WIDE.',
                    obj=type(self),
                    id="hubs.E001",
                )
            )
        return errors


class ChoicesArrayMixin:
    """List fields with fixed choices (amenities, features) as checkboxes, not comma-separated text."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, ArrayField) and db_field.base_field.choices:
            return forms.MultipleChoiceField(
                label=db_field.verbose_name,
                choices=db_field.base_field.choices,
                widget=forms.CheckboxSelectMultiple,
                required=not db_field.blank,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CatalogueAdmin(ChoicesArrayMixin, HubScopedAdmin):
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    hub_path = "hub"


class CatalogueInline(ChoicesArrayMixin, PolicyTabularInline):
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    extra = 0


# Sentences for the catalogue's database rules (never the constraint's name on a form).
CLOSES_AFTER_OPENS = _("L'orario di chiusura deve essere successivo a quello di apertura.")
WEEKDAY_RANGE = _("Il giorno della settimana deve essere tra lunedì e domenica.")


class PhotoForm(forms.ModelForm):
    """An uploaded photo, checked and re-encoded (src/hubs/photos.py) before it is stored."""

    image = forms.FileField(label=_("immagine"), help_text=HubPhoto._meta.get_field("image").help_text)

    class Meta:
        model = HubPhoto
        fields = ["image", "alt_text", "order"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):  # a new upload; otherwise the photo already stored
            try:
                return photo_prepare(image)
            except PhotoRefused as refusal:
                raise forms.ValidationError(refusal.message, code=refusal.code) from refusal
        return image


class PhotoInline(CatalogueInline):
    model = HubPhoto
    form = PhotoForm


class OpeningHoursInline(CatalogueInline):
    model = OpeningHours
    constraint_messages = {
        "opening_hours_closes_after_opens": CLOSES_AFTER_OPENS,
        "opening_hours_weekday_range": WEEKDAY_RANGE,
    }


class ClosureInline(CatalogueInline):
    model = Closure
    constraint_messages = {
        "closure_ends_after_start": _("La chiusura deve finire lo stesso giorno o dopo il suo inizio.")
    }


class SpecialOpeningInline(CatalogueInline):
    model = SpecialOpening
    constraint_messages = {"special_opening_closes_after_opens": CLOSES_AFTER_OPENS}


@admin.register(Hub, site=comune_admin)
class HubAdmin(CatalogueAdmin):
    hub_path = ""
    list_display = ["name", "town", "address", "opened_on", "is_published"]
    list_filter = ["is_published", "town"]
    search_fields = ["name", "address", "town"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, SpecialOpeningInline, ClosureInline, PhotoInline]


@admin.register(Closure, site=comune_admin)
class ClosureAdmin(CatalogueAdmin):
    """All closures at a glance (also editable inside each hub)."""

    grammatical_gender = "f"  # la chiusura
    constraint_messages = ClosureInline.constraint_messages

    list_display = ["starts_on", "ends_on", "hub", "reason"]
    list_filter = [("hub", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "starts_on"


@admin.register(SpecialOpening, site=comune_admin)
class SpecialOpeningAdmin(CatalogueAdmin):
    grammatical_gender = "f"  # l'apertura straordinaria
    constraint_messages = SpecialOpeningInline.constraint_messages
    list_display = ["date", "opens", "closes", "hub", "note"]
    list_filter = [("hub", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "date"


SEAT_LABEL_TAKEN = _("In questo spazio c'è già una postazione con questa etichetta.")


class SeatInline(CatalogueInline):
    model = Seat
    constraint_messages = {"seat_label_unique_in_space": SEAT_LABEL_TAKEN}


class SpaceForm(forms.ModelForm):
    """The room, plus a quick way to add many seats at once ("P1–P12")."""

    seat_range = forms.CharField(
        label=_("Aggiungi postazioni"),
        required=False,
        max_length=40,
        help_text=_(
            "Per creare più postazioni insieme scrivi un intervallo, per esempio «P1–P12»: "
            "si aggiungono quelle che mancano, le altre restano come sono."
        ),
    )

    class Meta:
        model = Space
        fields = ["hub", "name", "kind", "capacity", "amenities", "bookable_whole", "description", "default_layout"]

    def clean_seat_range(self):
        text = self.cleaned_data.get("seat_range", "").strip()
        return services.seat_labels_parse(text) if text else []


@admin.register(Space, site=comune_admin)
class SpaceAdmin(SpacePlanAdminMixin, CatalogueAdmin):
    form = SpaceForm
    list_display = ["name", "hub", "kind", "capacity", "bookable_whole", "plan_link"]
    readonly_fields = ["plan_link"]
    list_filter = ["kind", ("hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "hub__name"]
    inlines = [SeatInline]
    constraint_messages = SeatInline.constraint_messages

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):
            fields = [name for name in fields if name != "seat_range"]  # operators look, they do not add
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        labels = form.cleaned_data.get("seat_range") or []
        if not labels:
            return
        result = services.seats_create_range(space=form.instance, labels=labels, user=request.user)
        if result.created:
            self.message_user(
                request,
                _("Postazioni aggiunte a «%(space)s»: %(labels)s.")
                % {"space": form.instance.name, "labels": ", ".join(result.created)},
                messages.INFO,
            )
        if result.existing:
            self.message_user(
                request,
                _("Già presenti, lasciate come sono: %(labels)s.") % {"labels": ", ".join(result.existing)},
                messages.INFO,
            )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The default layout is one of this room's layouts.
        if db_field.name == "default_layout":
            space_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Layout.objects.filter(space_id=space_id) if space_id else Layout.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Seat, site=comune_admin)
class SeatAdmin(CatalogueAdmin):
    hub_path = "space__hub"
    grammatical_gender = "f"  # la postazione
    constraint_messages = SeatInline.constraint_messages
    list_display = ["label", "space", "is_active"]
    list_filter = ["is_active", ("space__hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["label", "space__name"]


class LayoutForm(forms.ModelForm):
    class Meta:
        model = Layout
        fields = ["space", "name", "seats", "whole_room_only"]

    def clean(self):
        cleaned = super().clean()
        space, seats = cleaned.get("space"), cleaned.get("seats")
        if space and seats and any(seat.space_id != space.pk for seat in seats):
            self.add_error("seats", _("Le postazioni devono appartenere allo spazio dell'allestimento."))
        return cleaned


@admin.register(Layout, site=comune_admin)
class LayoutAdmin(CatalogueAdmin):
    form = LayoutForm
    hub_path = "space__hub"
    list_display = ["name", "space", "whole_room_only"]
    list_filter = [("space__hub", admin.RelatedOnlyFieldListFilter)]
    filter_horizontal = ["seats"]


@admin.register(LayoutSchedule, site=comune_admin)
class LayoutScheduleAdmin(CatalogueAdmin):
    hub_path = "space__hub"
    list_display = ["date", "space", "layout"]
    list_filter = [("space__hub", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "date"


class HubOperatorForm(forms.ModelForm):
    """Operators are named by e-mail: the person's account is shared by the whole union."""

    email = forms.EmailField(
        label=_("e-mail dell'operatore"),
        help_text=_("La persona deve avere già un account; riceve il ruolo di operatore in questo comune."),
    )

    class Meta:
        model = HubOperator
        fields = ["hub"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email

    def clean(self):
        cleaned = super().clean()
        email, hub = cleaned.get("email"), cleaned.get("hub")
        if email:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                self.add_error("email", _("Nessuna persona registrata con questo indirizzo e-mail."))
            else:
                self.instance.user = user
                duplicate = HubOperator.objects.filter(hub=hub, user=user).exclude(pk=self.instance.pk)
                if hub and duplicate.exists():
                    self.add_error("email", _("Questa persona è già operatore di questo hub."))
        return cleaned


@admin.register(HubOperator, site=comune_admin)
class HubOperatorAdmin(AuditedAdmin, CatalogueAdmin):
    form = HubOperatorForm
    list_display = ["user", "hub"]
    list_filter = [("hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__last_name", "hub__name"]

    def get_fields(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            return ["hub", "user"]  # read-only view: no form, show the stored person
        return ["hub", "email"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A hub assignment is only useful with the operator role in this comune; the
        # administrator who assigns it is the one who may grant it.
        role, granted = Role.objects.get_or_create(
            user=obj.user, kind=Role.Kind.OPERATOR, municipality=request.municipality
        )
        if granted:
            audit_record(
                request=request,
                action=AuditAction.ROLE_GRANT,
                target=role,
                description=_("Ruolo di operatore del comune"),
            )
