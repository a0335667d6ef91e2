"""The floor-plan editor in the comune's admin: administrators drag a room's movable furniture
into place and save the arrangement as a named layout (`/admin/hubs/space/<id>/pianta/`).

The page is a plain form (every seat has its x, y and rotation as number fields in a table),
so it works without JavaScript and with a keyboard; `static/site/plan-editor.js` adds the
dragging on the SVG plan and keeps the two in step.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from src.common.errors import DomainError
from src.hubs.models import Space
from src.hubs.selectors import DESK_DEPTH, DESK_WIDTH, layout_editor_plan, space_layouts
from src.hubs.services import PlacementIn, layout_plan_save


class PlanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nome dell'allestimento"), max_length=200)
    width_m = forms.DecimalField(
        label=gettext_lazy("Larghezza della sala (m)"), min_value=1, max_value=60, decimal_places=1, required=False
    )
    depth_m = forms.DecimalField(
        label=gettext_lazy("Profondità della sala (m)"), min_value=1, max_value=60, decimal_places=1, required=False
    )
    make_default = forms.BooleanField(label=gettext_lazy("Usalo come allestimento predefinito"), required=False)


def _placements(data, seats) -> tuple[list[PlacementIn], list[str]]:
    """Each seat's fields (`seat-<id>-in`, `-x`, `-y`, `-rotation`) as placements, and the problems found."""
    placements, problems = [], []
    for seat in seats:
        prefix = f"seat-{seat.pk}-"
        try:
            x = Decimal(data.get(prefix + "x", "").replace(",", "."))
            y = Decimal(data.get(prefix + "y", "").replace(",", "."))
            rotation = int(data.get(prefix + "rotation", "0") or 0)
        except (InvalidOperation, ValueError):
            problems.append(
                _("Posizione non valida per la postazione %(seat)s: scrivi numeri in metri.") % {"seat": seat.label}
            )
            continue
        if not (x.is_finite() and y.is_finite()):
            problems.append(
                _("Posizione non valida per la postazione %(seat)s: scrivi numeri in metri.") % {"seat": seat.label}
            )
            continue
        placements.append(
            PlacementIn(
                seat_id=seat.pk,
                x=x.quantize(Decimal("0.01")),
                y=y.quantize(Decimal("0.01")),
                rotation=rotation % 360,
                included=data.get(prefix + "in") == "on",
            )
        )
    return placements, problems


def _row(placed, sent: PlacementIn | None, *, included: bool) -> dict:
    """A seat of the editor: as sent back (a refused save), else as the plan places it."""
    x, y = (float(sent.x), float(sent.y)) if sent else (placed.x, placed.y)
    return {
        "seat": placed.seat,
        "x": f"{x:.2f}",
        "y": f"{y:.2f}",
        "cx": round(x * 100),
        "cy": round(y * 100),
        "rotation": sent.rotation if sent else placed.rotation,
        "included": sent.included if sent else included,
    }


class SpacePlanAdminMixin:
    """Adds the plan editor to SpaceAdmin, and a link to it on each space."""

    def get_urls(self):
        editor = path("<path:object_id>/pianta/", self.admin_site.admin_view(self.plan_view), name="hubs_space_plan")
        return [editor, *super().get_urls()]

    @staticmethod
    def plan_url(space: Space) -> str:
        return reverse("comune_admin:hubs_space_plan", args=[space.pk])

    def plan_link(self, obj):
        if obj is None or obj.pk is None:
            return _("Salva lo spazio, poi disegna la sua pianta.")
        return format_html('<a href="{}">{}</a>', self.plan_url(obj), _("Apri la pianta e disponi le postazioni"))

    plan_link.short_description = gettext_lazy("pianta")

    def plan_view(self, request, object_id):
        # As the admin's own pages: an id that is no number (or no space of this operator) is a 404.
        space = self.get_object(request, unquote(object_id))
        if space is None:
            raise Http404(_("Questa sala non esiste o non è tra quelle che gestisci."))
        if not self.has_change_permission(request, space):
            raise PermissionDenied(_("Solo gli amministratori del comune possono cambiare la pianta di una sala."))
        layouts = space_layouts(space)
        layout = None
        chosen = request.POST.get("layout") or request.GET.get("allestimento")
        if chosen:
            layout = next((item for item in layouts if str(item.pk) == chosen), None)
            if layout is None:
                raise PermissionDenied(_("Questo allestimento non è di questa sala."))
        plan, included = layout_editor_plan(space, layout)
        seats = [placed.seat for placed in plan.seats]
        form = PlanForm(
            request.POST or None,
            initial={
                "name": layout.name if layout else "",
                "width_m": space.width_m,
                "depth_m": space.depth_m,
                "make_default": layout is not None and space.default_layout_id == layout.pk,
            },
        )
        problems = []
        if request.method == "POST":
            placements, problems = _placements(request.POST, seats)
            if form.is_valid() and not problems:
                as_new = request.POST.get("save") == "new"
                try:
                    saved = layout_plan_save(
                        space=space,
                        layout=None if as_new else layout,
                        name=form.cleaned_data["name"],
                        width_m=form.cleaned_data["width_m"],
                        depth_m=form.cleaned_data["depth_m"],
                        make_default=form.cleaned_data["make_default"],
                        placements=placements,
                        user=request.user,
                    )
                except DomainError as error:
                    problems.append(error.message)
                except ValidationError as error:
                    problems.extend(error.messages)
                else:
                    messages.success(request, _("Allestimento «%(name)s» salvato.") % {"name": saved.name})
                    return redirect(f"{self.plan_url(space)}?allestimento={saved.pk}")
            # Show what was sent, so nothing dragged is lost.
            sent = {p.seat_id: p for p in placements}
            seat_rows = [_row(placed, sent.get(placed.seat.pk), included=False) for placed in plan.seats]
        else:
            seat_rows = [_row(placed, None, included=placed.seat.pk in included) for placed in plan.seats]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Pianta di %(space)s") % {"space": space.name},
            "space": space,
            "plan": plan,
            "form": form,
            "problems": problems,
            "layout": layout,
            "layouts": layouts,
            "seat_rows": seat_rows,
            "width_cm": round(plan.width * 100),
            "depth_cm": round(plan.depth * 100),
            "desk_w": round(DESK_WIDTH * 100),
            "desk_d": round(DESK_DEPTH * 100),
            "change_url": reverse("comune_admin:hubs_space_change", args=[space.pk]),
            "schedule_url": reverse("comune_admin:hubs_layoutschedule_changelist"),
        }
        return TemplateResponse(request, "hubs/admin/space_plan.html", context)
