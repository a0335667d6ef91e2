from django.apps import AppConfig


class MigrationProbeConfig(AppConfig):
    """A tenant app that exists only while `bench migrations` measures one added migration."""

    name = "bench.migration_probe"
    label = "bench_migration_probe"
