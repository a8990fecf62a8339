"""The site's own tombstone key (issue 9 item 22): tombstones no longer depend on SECRET_KEY.

The key is made here, at random, once. Tombstones already stored were keyed with the SECRET_KEY
in use (or, after a rotation, one of SECRET_KEY_FALLBACKS): their instance IDs are gone, so they
cannot be re-keyed. Instead the key row keeps the HMAC states of those secrets
(cslab.observations.tombstones.hmac_states), which compute the old hashes again but do not reveal
the secrets, so an erasure made before this migration keeps blocking replays after it and after
any later SECRET_KEY rotation. A site without tombstones keeps no states at all.
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import migrations, models

from cslab.observations.tombstones import hmac_states


def create_tombstone_key(apps: Any, schema_editor: Any) -> None:
    key_model = apps.get_model("collection", "TombstoneKey")
    if key_model.objects.exists():
        return
    legacy_states = []
    if apps.get_model("collection", "Tombstone").objects.exists():
        for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
            states = hmac_states(str(secret).encode("utf-8"))
            if states not in legacy_states:
                legacy_states.append(states)
    key_model.objects.create(pk=1, key=secrets.token_hex(32), legacy_states=legacy_states)


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0007_undo_edits_by_others"),
    ]

    operations = [
        migrations.CreateModel(
            name="TombstoneKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, verbose_name="key (hex)")),
                (
                    "legacy_states",
                    models.JSONField(
                        blank=True, default=list, verbose_name="states of earlier keys"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={
                "verbose_name": "tombstone key",
                "verbose_name_plural": "tombstone keys",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="tombstone_key_single"
                    )
                ],
            },
        ),
        migrations.RunPython(create_tombstone_key, migrations.RunPython.noop),
    ]
