"""Give every notification written before categories existed the category of its kind.

The prefix table is copied from `vocabulary.KIND_PREFIX_CATEGORIES` as it stood when this
migration was written: a migration must not change meaning when the vocabulary later does.
Longer prefixes are applied first and only to rows still without a category, so the longest
matching prefix wins, as in `category_of_kind`; what no prefix names becomes "other". One
UPDATE per prefix, no rows loaded into Python.
"""

from django.db import migrations

KIND_PREFIX_CATEGORIES = {
    "question.": "question_updates",
    "project.": "project_news",
    "projects.": "project_news",
    "consent.": "project_news",
    "event.": "event_reminders",
    "events.": "event_reminders",
    "hub.digest": "digests",
    "observation.moderated": "moderation_results",
    "classification.": "moderation_results",
}


def fill_categories(apps, schema_editor):  # type: ignore[no-untyped-def]
    Notification = apps.get_model("notifications", "Notification")
    for prefix in sorted(KIND_PREFIX_CATEGORIES, key=len, reverse=True):
        Notification.objects.filter(category="", kind__startswith=prefix).update(
            category=KIND_PREFIX_CATEGORIES[prefix]
        )
    Notification.objects.filter(category="").update(category="other")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_preferences_and_categories")]

    operations = [migrations.RunPython(fill_categories, migrations.RunPython.noop)]
