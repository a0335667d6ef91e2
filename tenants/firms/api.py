"""/api/v1/firms/ on the union site: the mobility manager's firms, their people and the PSCL
figures (aggregates only). Another firm's id answers 404, as an unknown one does."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.firms import access, selectors


class FirmOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size_band = serializers.CharField()
    enrolment_code = serializers.CharField()


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    name = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    site = serializers.CharField(source="site.name", default=None)

    def get_name(self, enrolment) -> str:
        return enrolment.user.get_full_name() if enrolment.user else ""

    def get_email(self, enrolment) -> str:
        return enrolment.user.email if enrolment.user else enrolment.email


class PsclRowOut(serializers.Serializer):
    month = serializers.DateField()
    site = serializers.CharField(source="site.name", default=None, help_text=_("Vuoto: tutte le sedi."))
    people = serializers.IntegerField(allow_null=True)
    days_worked = serializers.IntegerField(allow_null=True)
    allowance_days = serializers.IntegerField(allow_null=True)
    km = serializers.FloatField(allow_null=True)
    kg_co2 = serializers.FloatField(allow_null=True)
    g_nox = serializers.FloatField(allow_null=True)
    g_pm10 = serializers.FloatField(allow_null=True)
    not_computable = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField(help_text=_("Meno di 5 dipendenti: i valori sono lasciati vuoti."))


class YearQuery(serializers.Serializer):
    anno = serializers.IntegerField(required=False, min_value=2020, max_value=2100)


class FirmListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=FirmOut(many=True), summary=_("Le aziende di cui sei mobility manager"))
    def get(self, request):
        return Response(FirmOut(access.managed_firms(request.user), many=True).data)


class FirmPeopleView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PersonOut(many=True), summary=_("Invitati e iscritti dell'azienda"))
    def get(self, request, firm_id):
        firm = access.managed_firm_get(request.user, firm_id)
        return Response(PersonOut(selectors.firm_people(firm), many=True).data)


class FirmPsclView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[YearQuery], responses=PsclRowOut(many=True), summary=_("Monitoraggio PSCL (solo aggregati)")
    )
    def get(self, request, firm_id):
        firm = access.managed_firm_get(request.user, firm_id)
        query = YearQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        pscl = selectors.firm_pscl(firm, query.validated_data.get("anno") or timezone.localdate().year)
        return Response(PsclRowOut(pscl.rows, many=True).data)
