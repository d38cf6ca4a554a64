"""The five service groups a one-stop shop runs (editable in the admin afterwards)."""

from django.db import migrations

GROUPS = [
    ("health-insurance", "Bảo hiểm y tế", "Health insurance", 1001, False),
    ("benefits", "Chế độ bảo hiểm xã hội", "Social insurance benefits", 2001, False),
    ("contributions", "Thu, cấp sổ, thẻ", "Contributions, books and cards", 3001, False),
    ("collection", "Trả kết quả", "Collection of results", 4001, True),
    ("enquiries", "Tư vấn, hỏi đáp", "Enquiries", 5001, False),
]


def create(apps, schema_editor):
    ServiceGroup = apps.get_model("queues", "ServiceGroup")
    for order, (code, name, name_en, first, collection) in enumerate(GROUPS):
        ServiceGroup.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "first_number": first,
                "sort_order": order,
                "is_collection": collection,
            },
        )


def remove(apps, schema_editor):
    ServiceGroup = apps.get_model("queues", "ServiceGroup")
    ServiceGroup.objects.filter(code__in=[g[0] for g in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("queues", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
