"""Create the 34 provincial social security offices from the vietnam-provinces data."""

from django.db import migrations

AGENCY_SUFFIX = "G12"  # top-level part of the QCVN 102:2016 code; unconfirmed, editable


def _short_name(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def create_offices(apps, schema_editor):
    from vietnam_provinces import Province

    Office = apps.get_model("offices", "Office")
    for province in Province.iter_all():
        code = int(province.code)
        short = _short_name(province.name)
        is_city = province.division_type.value == "thành phố trung ương"
        Office.objects.update_or_create(
            kind="provincial",
            province_code=code,
            defaults={
                "agency_code": f"000.00.{code:02d}.{AGENCY_SUFFIX}",
                "name": f"Bảo hiểm xã hội {'thành phố' if is_city else 'tỉnh'} {short}",
                "name_en": f"{short} {'City' if is_city else 'Province'} Social Security Office",
            },
        )


def remove_offices(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    Office.objects.filter(kind="provincial").delete()


class Migration(migrations.Migration):
    dependencies = [("offices", "0001_initial")]
    operations = [migrations.RunPython(create_offices, remove_offices)]
