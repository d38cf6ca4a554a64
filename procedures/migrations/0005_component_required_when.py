from django.db import migrations, models

# The treatment proofs whose prose condition ("when treated as an outpatient / inpatient")
# the form's `treatment_type` answers: the catalogue file carries the same rules.
RULES = {
    "medical_leave_certificate": "outpatient",
    "hospital_discharge_paper": "inpatient",
}


def conditions_from_treatment_type(apps, schema_editor):
    DocumentComponent = apps.get_model("procedures", "DocumentComponent")
    components = DocumentComponent.objects.filter(
        code__in=RULES, requirement="conditional", required_when__isnull=True
    ).select_related("version")
    for component in components:
        fields = {field.get("name"): field for field in component.version.fields or []}
        choices = {c.get("value") for c in (fields.get("treatment_type") or {}).get("choices") or []}
        value = RULES[component.code]
        if value in choices:
            component.required_when = {"field": "treatment_type", "in": [value]}
            component.save(update_fields=["required_when"])


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0004_demo_flag_and_verification_limit"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentcomponent",
            name="required_when",
            field=models.JSONField(
                blank=True,
                help_text=(
                    'The condition of a conditional document in machine form: {"field": '
                    '"<form field name>", "in": ["<value>", ...]}, true when the field\'s '
                    "value is one of the values (the prose condition stays for people)."
                ),
                null=True,
                verbose_name="required when",
            ),
        ),
        migrations.RunPython(conditions_from_treatment_type, migrations.RunPython.noop),
    ]
