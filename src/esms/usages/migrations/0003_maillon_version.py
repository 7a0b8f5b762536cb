"""Versioned log entries (issue 9, point 4): existing entries are format 1 and keep their hash; new entries
(format 2) hash the whole evidence record. `esms preuves verifier` checks both."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("usages", "0002_validation_usage_unique")]

    operations = [
        migrations.AddField(
            model_name="maillonjournal", name="version",
            field=models.PositiveSmallIntegerField(
                default=1, help_text="Format du maillon : 1 (avant l'issue 9), 2 (l'enregistrement entier de la preuve)."),
        ),
        migrations.AlterField(
            model_name="maillonjournal", name="comptes",
            field=models.TextField(help_text="JSON canonique de l'enregistrement de la preuve (version 2 : tout ce que "
                                             "l'ARS voit ; version 1 : événements, DUI, DUI actifs, période, définition)."),
        ),
    ]
