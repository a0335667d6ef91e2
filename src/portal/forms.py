from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from src.portal.models import PageRating


class PageRatingForm(forms.Form):
    """The rating widget's fields; messages in Italian because they reach the citizen."""

    path = forms.CharField(max_length=500)
    stars = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        error_messages={
            "required": _("Scegli da 1 a 5 stelle per valutare la pagina."),
            "invalid_choice": _("La valutazione deve essere un numero di stelle da 1 a 5."),
        },
    )
    aspect = forms.ChoiceField(choices=PageRating.Aspect.choices, required=False)
    detail = forms.CharField(
        max_length=200,
        required=False,
        error_messages={"max_length": _("Il dettaglio può contenere al massimo %(limit_value)d caratteri.")},
    )

    def clean_path(self):
        # Only a path of this site: it is shown back as a link, so never an outside address.
        path = self.cleaned_data["path"]
        if not path.startswith("/") or not url_has_allowed_host_and_scheme(path, allowed_hosts=None):
            raise forms.ValidationError(_("La pagina valutata non è valida."))
        return path

    def clean(self):
        cleaned = super().clean()
        stars, aspect = cleaned.get("stars"), cleaned.get("aspect")
        if stars and aspect:
            allowed = PageRating.POSITIVE_ASPECTS if stars > PageRating.POSITIVE_ABOVE else PageRating.NEGATIVE_ASPECTS
            if aspect not in allowed:
                raise forms.ValidationError(_("La risposta scelta non corrisponde alla valutazione data."))
        return cleaned
