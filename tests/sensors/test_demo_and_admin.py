"""The demo sensors for `make run`, the broker's files, device registration rules, the purge."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from src.common.errors import DomainError
from src.hubs.demo import load_hubs
from src.sensors.demo import load_sensors
from src.sensors.jobs import sensor_readings_purge
from src.sensors.models import HourlyAggregate, Reading, Sensor
from src.sensors.services import mosquitto_check, sensor_register
from tenants.union.demo import demo_loaders
from tests.conftest import host_client, page_text
from tests.hubs.factories import make_hub, make_space


def test_demo_sensors_have_a_day_of_readings_and_load_once(cesena, sarsina):
    assert demo_loaders()[-1] is load_sensors
    out = io.StringIO()
    load_hubs(comuni=[cesena, sarsina], stdout=out)
    load_sensors([cesena, sarsina], out)
    with tenant_context(cesena):
        counts = Sensor.objects.count(), Reading.objects.count(), HourlyAggregate.objects.count()
    assert counts[0] == 8 and counts[1] >= 8 * 24 * 6 and counts[2] >= 8 * 24
    load_sensors([cesena, sarsina], out)
    with tenant_context(cesena):
        assert (Sensor.objects.count(), Reading.objects.count(), HourlyAggregate.objects.count()) == counts
    page = page_text(host_client("cesena.localhost").get("/hub/hub-cesena/aria/"))
    assert "Qualità dell'aria adesso" in page and "ppm" in page and "Nessun dato recente" not in page


def test_device_ids_carry_their_comune_and_secrets_are_kept_only_hashed(cesena):
    with tenant_context(cesena):
        space = make_space(make_hub(slug="reg"))
        with pytest.raises(DomainError) as refused:
            sensor_register(space=space, kind="co2", device_id="sarsina-co2-1", comune_slug="cesena")
        assert "cesena-" in str(refused.value)
        made = sensor_register(space=space, kind="co2", device_id="cesena-co2-1", comune_slug="cesena")
        assert made.topic == f"cesena/reg/{space.pk}/cesena-co2-1"
        stored = Sensor.objects.get(pk=made.sensor.pk).credential_hash
        assert made.secret not in stored and stored.startswith("$7$101$")
        assert mosquitto_check(made.secret, stored) and not mosquitto_check("guessed", stored)
        with pytest.raises(DomainError):
            sensor_register(space=space, kind="co2", device_id="cesena-co2-1", comune_slug="cesena")


def test_broker_files_give_each_device_its_own_topic_only(cesena, sarsina, tmp_path):
    with tenant_context(cesena):
        c = sensor_register(
            space=make_space(make_hub(slug="a")), kind="co2", device_id="cesena-co2-a", comune_slug="cesena"
        )
    with tenant_context(sarsina):
        s = sensor_register(
            space=make_space(make_hub(slug="b")), kind="co2", device_id="sarsina-co2-b", comune_slug="sarsina"
        )
    call_command("sensors_broker_files", out=str(tmp_path), stdout=io.StringIO())
    passwd = (tmp_path / "passwd").read_text().splitlines()
    assert sorted(line.split(":")[0] for line in passwd) == ["cesena-co2-a", "sarsina-co2-b"]
    assert c.secret not in "".join(passwd)
    acl = (tmp_path / "acl").read_text()
    assert f"user cesena-co2-a\ntopic write {c.topic}\n" in acl
    assert f"user sarsina-co2-b\ntopic write {s.topic}\n" in acl
    assert "user hub-ingest\ntopic read +/+/+/+" in acl


def test_raw_readings_past_the_retention_are_purged_and_the_hours_stay(cesena, settings):
    settings.SENSORS_RAW_RETENTION_DAYS = 30
    with tenant_context(cesena):
        sensor = Sensor.objects.create(space=make_space(make_hub(slug="purga")), kind="co2", device_id="cesena-p")
        now = timezone.now()
        for days, seq in ((40, 1), (31, 2), (2, 3)):
            Reading.objects.create(sensor=sensor, time=now - timedelta(days=days), value=600, seq=seq)
        HourlyAggregate.objects.create(
            sensor=sensor, hour=now - timedelta(days=40), count=1, total=600, minimum=600, maximum=600
        )
        assert sensor_readings_purge(now=now) == 2
        assert list(Reading.objects.values_list("seq", flat=True)) == [3]
        assert HourlyAggregate.objects.count() == 1


def test_the_admin_lists_this_comunes_sensors_only(cesena, sarsina, cesena_admin, sarsina_admin):
    from tests.signin import sign_in_staff

    with tenant_context(cesena):
        Sensor.objects.create(space=make_space(make_hub(slug="adm")), kind="co2", device_id="cesena-adm-1")
    with tenant_context(sarsina):
        Sensor.objects.create(space=make_space(make_hub(slug="adm")), kind="co2", device_id="sarsina-adm-1")
    cesena_page = sign_in_staff(host_client("cesena.localhost"), cesena_admin).get("/admin/sensors/sensor/")
    assert cesena_page.status_code == 200
    assert "cesena-adm-1" in cesena_page.content.decode() and "sarsina-adm-1" not in cesena_page.content.decode()
    # Cesena's administrator on Sarsina's host is refused (the admin sends them to sign in).
    assert sign_in_staff(host_client("sarsina.localhost"), cesena_admin).get("/admin/sensors/sensor/").status_code in (
        302,
        403,
    )
