"""One validation per dossier, period and validated elements (issue 9, point 9).

Existing validations get a distinct legacy key (`avant-unicite-<id>`): duplicates created before the
constraint stay visible as they were, and the constraint holds from now on."""

from django.db import migrations, models


def cles_anciennes(apps, schema_editor):
    ValidationUsage = apps.get_model("usages", "ValidationUsage")
    for pk in ValidationUsage.objects.values_list("pk", flat=True).iterator():
        ValidationUsage.objects.filter(pk=pk).update(entrees=f"avant-unicite-{pk}")


class Migration(migrations.Migration):
    dependencies = [("usages", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="validationusage", name="entrees",
            field=models.CharField(default="", max_length=80, verbose_name="empreinte des éléments validés",
                                   help_text="SHA-256 des rapports et preuves en vigueur validés : valider deux fois "
                                             "les mêmes éléments d'une période ne crée qu'une validation ; de "
                                             "nouveaux rapports permettent une nouvelle validation."),
            preserve_default=False,
        ),
        migrations.RunPython(cles_anciennes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="validationusage",
            constraint=models.UniqueConstraint(condition=models.Q(decision="validee"),
                                               fields=("dossier", "periode_debut", "periode_fin", "entrees"),
                                               name="validation_usage_unique"),
        ),
    ]
