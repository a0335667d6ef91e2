"""The hubs catalogue in the comune's admin: administrators edit, operators look
at the hubs they are assigned to, everyone else is refused by the site."""

from django import forms
from django.contrib import admin
from django.contrib.postgres.fields import ArrayField
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from src.common.admin import comune_admin
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
from tenants.identity.admin_access import PolicyModelAdmin, PolicyTabularInline
from tenants.identity.models import Role, User
from tenants.identity.policy import Action, can


def hubs_in_scope(request, queryset, hub_path: str):
    """Administrators see every hub of the comune; operators only those assigned to them."""
    if can(request.user, Action.ADMINISTER_COMUNE, getattr(request, "municipality", None)):
        return queryset
    prefix = f"{hub_path}__" if hub_path else ""
    return queryset.filter(**{f"{prefix}operators__user": request.user}).distinct()


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


class CatalogueAdmin(ChoicesArrayMixin, PolicyModelAdmin):
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    hub_path = "hub"

    def get_queryset(self, request):
        return hubs_in_scope(request, super().get_queryset(request), self.hub_path)


class CatalogueInline(ChoicesArrayMixin, PolicyTabularInline):
    edit_action = Action.ADMINISTER_COMUNE
    view_action = Action.VIEW_COMUNE_CATALOGUE_ADMIN
    extra = 0


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


class ClosureInline(CatalogueInline):
    model = Closure


class SpecialOpeningInline(CatalogueInline):
    model = SpecialOpening


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

    list_display = ["starts_on", "ends_on", "hub", "reason"]
    list_filter = [("hub", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "starts_on"


@admin.register(SpecialOpening, site=comune_admin)
class SpecialOpeningAdmin(CatalogueAdmin):
    list_display = ["date", "opens", "closes", "hub", "note"]
    list_filter = [("hub", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "date"


class SeatInline(CatalogueInline):
    model = Seat


@admin.register(Space, site=comune_admin)
class SpaceAdmin(CatalogueAdmin):
    list_display = ["name", "hub", "kind", "capacity", "bookable_whole"]
    list_filter = ["kind", ("hub", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "hub__name"]
    inlines = [SeatInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The default layout is one of this room's layouts.
        if db_field.name == "default_layout":
            space_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Layout.objects.filter(space_id=space_id) if space_id else Layout.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Seat, site=comune_admin)
class SeatAdmin(CatalogueAdmin):
    hub_path = "space__hub"
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
class HubOperatorAdmin(CatalogueAdmin):
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
        Role.objects.get_or_create(user=obj.user, kind=Role.Kind.OPERATOR, municipality=request.municipality)
