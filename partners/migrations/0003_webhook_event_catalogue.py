"""Webhook event catalogue: an endpoint subscribes to event types; a delivery is unique per
endpoint, event type and source event (one dossier event may be several webhook types)."""

import django.db.models.deletion
from django.db import migrations, models


def keys_from_events(apps, schema_editor):
    WebhookDelivery = apps.get_model("partners", "WebhookDelivery")
    WebhookDelivery.objects.filter(event_key="").update(
        event_key=models.functions.Cast("event_id", models.CharField())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
        ("partners", "0002_event_fk_without_db_constraint"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="event_types",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Leave empty to receive every event type.",
                verbose_name="event types",
            ),
        ),
        migrations.AddField(
            model_name="webhookdelivery",
            name="event_key",
            field=models.CharField(default="", max_length=64, verbose_name="event key"),
            preserve_default=False,
        ),
        migrations.RunPython(keys_from_events, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="webhookdelivery", name="webhook_delivery_once_per_event"
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="event",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="dossiers.dossierevent",
                verbose_name="event",
            ),
        ),
        migrations.AddConstraint(
            model_name="webhookdelivery",
            constraint=models.UniqueConstraint(
                fields=("endpoint", "event_type", "event_key"),
                name="webhook_delivery_once_per_event",
            ),
        ),
    ]
