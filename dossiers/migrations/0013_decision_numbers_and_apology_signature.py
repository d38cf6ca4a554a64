"""Result numbers (a counter row per office, year and series; the number on the dossier) and
the preparer of an apology letter awaiting the leader's signature.

The unique constraint on the dossier's number is built concurrently in the next migration.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0012_apologised_overdue_index'),
        ('offices', '0002_provincial_offices'),
        ('procedures', '0003_version_fields_may_be_empty'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DecisionSequence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('series', models.CharField(max_length=8)),
                ('last_number', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name='dossier',
            name='apology_prepared_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='apology prepared by'),
        ),
        migrations.AddField(
            model_name='dossier',
            name='decision_number',
            field=models.CharField(blank=True, max_length=32, verbose_name='decision number'),
        ),
        migrations.AddField(
            model_name='dossier',
            name='decision_office',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='offices.office'),
        ),
        migrations.AddField(
            model_name='dossier',
            name='decision_year',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='decisionsequence',
            name='office',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='offices.office'),
        ),
        migrations.AddConstraint(
            model_name='decisionsequence',
            constraint=models.UniqueConstraint(fields=('office', 'year', 'series'), name='decision_sequence_unique'),
        ),
    ]
