import datetime

import django.db.models.deletion
from django.db import migrations, models

# Tokens issued before expiry existed get a full lifetime from the day this runs.
EXISTING_TOKEN_LIFETIME = datetime.timedelta(days=365)


def set_expiry(apps, schema_editor):
    from django.utils import timezone

    PartnerToken = apps.get_model("partners", "PartnerToken")
    PartnerToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + EXISTING_TOKEN_LIFETIME
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_webhook_event_catalogue"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnertoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="expires at"),
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="partnertoken",
            name="expires_at",
            field=models.DateTimeField(editable=False, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="partnertoken",
            name="replaced_by",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replaces",
                to="partners.partnertoken",
                verbose_name="replaced by",
            ),
        ),
    ]
