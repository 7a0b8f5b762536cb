import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("candidatures", "0001_initial"),
        ("usages", "0003_maillon_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TraitementPreuve",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("nom", models.CharField(max_length=255, verbose_name="fichier")),
                ("chemin", models.CharField(max_length=500, verbose_name="fichier reçu (temporaire)")),
                ("taille", models.PositiveBigIntegerField()),
                ("periode_debut", models.DateField()),
                ("periode_fin", models.DateField()),
                ("etat", models.CharField(choices=[("en_attente", "En attente"), ("en_cours", "En cours"),
                                                   ("termine", "Enregistrée"), ("refuse", "Refusée"),
                                                   ("echoue", "Échec")], default="en_attente", max_length=12)),
                ("etape", models.CharField(default="En attente du traitement", max_length=200,
                                           verbose_name="étape en cours")),
                ("raisons", models.JSONField(blank=True, default=list, verbose_name="raisons du refus")),
                ("cree_le", models.DateTimeField(auto_now_add=True)),
                ("maj_le", models.DateTimeField(auto_now=True)),
                ("auteur", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                             to=settings.AUTH_USER_MODEL)),
                ("dossier", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                              related_name="traitements_preuve", to="candidatures.dossier")),
                ("preuve", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                             related_name="+", to="usages.preuve")),
            ],
            options={"verbose_name": "traitement d'une preuve", "ordering": ["-cree_le", "-id"]},
        ),
    ]
