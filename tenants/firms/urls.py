"""The firms' pages on the union site, under /aziende/."""

from django.urls import path

from tenants.firms import views

app_name = "firms"

urlpatterns = [
    path("", views.apply, name="apply"),
    path("mobility-manager/", views.mm_home, name="mm_home"),
    path("mobility-manager/<int:firm_id>/", views.mm_firm, name="firm"),
    path("mobility-manager/<int:firm_id>/invita/", views.mm_invite, name="invite"),
    path("mobility-manager/<int:firm_id>/iscritti/<int:enrolment_id>/rimuovi/", views.mm_remove, name="remove"),
    path("mobility-manager/<int:firm_id>/pscl.csv", views.mm_pscl_csv, name="pscl_csv"),
    path("mobility-manager/<int:firm_id>/pscl/", views.mm_pscl_print, name="pscl_print"),
    path("convenzioni/<int:agreement_id>/documento/", views.agreement_document, name="agreement_document"),
    path("gestione/", views.staff_home, name="staff"),
    path("gestione/nuova/", views.staff_firm_new, name="staff_firm_new"),
    path("gestione/<int:firm_id>/esame/", views.staff_review, name="staff_review"),
    path("gestione/<int:firm_id>/convenzioni/nuova/", views.staff_agreement_new, name="staff_agreement_new"),
]
