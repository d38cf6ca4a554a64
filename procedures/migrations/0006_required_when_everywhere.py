import json
from pathlib import Path

from django.db import migrations

# Every conditional document of the reviewed catalogue carries its condition as data
# (`required_when`, issue #20). Stored versions are never rewritten by `catalogue_load`, so
# this fills the machine condition in on the stored documents of the same version (procedure
# code and start date) and adds the optional form field it names when the stored version
# lacks it. The prose condition, and so the rule dossiers were received under, is unchanged;
# a dossier that never answered the new field keeps its condition unknown (nothing more asked).
CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


def fill_conditions(apps, schema_editor):
    ProcedureVersion = apps.get_model("procedures", "ProcedureVersion")
    DocumentComponent = apps.get_model("procedures", "DocumentComponent")
    if not CATALOGUE.exists():
        return
    for item in json.loads(CATALOGUE.read_text(encoding="utf-8")):
        for entry in item["versions"]:
            version = ProcedureVersion.objects.filter(
                procedure__code=item["code"], effective_from=entry["effective_from"]
            ).first()
            if version is None:
                continue
            file_fields = {field["name"]: field for field in entry.get("fields") or []}
            stored = list(version.fields or [])
            names = {field.get("name") for field in stored}
            for component in entry.get("components") or []:
                rule = component.get("required_when")
                if not rule:
                    continue
                row = DocumentComponent.objects.filter(
                    version=version, code=component["code"], required_when__isnull=True
                ).first()
                if row is None:
                    continue
                if rule["field"] not in names and rule["field"] in file_fields:
                    stored.append(dict(file_fields[rule["field"]]))
                    names.add(rule["field"])
                row.required_when = rule
                row.save(update_fields=["required_when"])
            if stored != list(version.fields or []):
                version.fields = stored
                version.save(update_fields=["fields"])


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0005_component_required_when"),
    ]

    operations = [
        migrations.RunPython(fill_conditions, migrations.RunPython.noop),
    ]
