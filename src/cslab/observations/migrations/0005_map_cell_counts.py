"""Observation counts per map cell (cslab.observations.map_counts), filled from the observations
already stored: one INSERT … SELECT … GROUP BY per location kind and resolution (issue 17)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def counts_fill(apps: Any, schema_editor: Any) -> None:
    from cslab.observations.map_counts import rebuild_statements

    with schema_editor.connection.cursor() as cursor:
        for sql, parameters in rebuild_statements(None):
            cursor.execute(sql, parameters)


class Migration(migrations.Migration):

    dependencies = [
        ('observations', '0004_observation_consent_version'),
        ('projects', '0003_embargo_and_retention'),
    ]

    operations = [
        migrations.CreateModel(
            name='MapCellCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('location', models.CharField(choices=[('public', 'public location'), ('true', 'true location')], max_length=6)),
                ('resolution', models.PositiveSmallIntegerField()),
                ('cell', models.CharField(max_length=16)),
                ('audience', models.CharField(choices=[('everyone', 'everyone'), ('team', 'team')], max_length=8)),
                ('slot', models.PositiveSmallIntegerField()),
                ('count', models.IntegerField(default=0)),
                ('project', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project')),
            ],
            options={
                'verbose_name': 'map cell count',
                'verbose_name_plural': 'map cell counts',
                'constraints': [models.UniqueConstraint(fields=('project', 'location', 'resolution', 'cell', 'audience', 'slot'), name='map_cell_count_unique')],
            },
        ),
        migrations.RunPython(counts_fill, migrations.RunPython.noop, elidable=True),
    ]
