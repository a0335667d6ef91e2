from django.db import migrations


def flags_set(apps, schema_editor):
    # People already enrolled when the flag arrived (tenants/firms/coverage.py keeps it from now on).
    User = apps.get_model("identity", "User")
    User.objects.filter(enrolments__state="active").update(firm_employee=True)


class Migration(migrations.Migration):
    dependencies = [
        ("firms", "0001_initial"),
        ("identity", "0007_user_firm_employee"),
    ]

    operations = [migrations.RunPython(flags_set, migrations.RunPython.noop)]
