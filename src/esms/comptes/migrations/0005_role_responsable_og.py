"""Rename the user role « porteur » to « responsable_og » (the organisme keeps the name porteur)."""

from django.db import migrations, models

ANCIEN, NOUVEAU = "porteur", "responsable_og"


def vers_responsable_og(apps, schema_editor):
    apps.get_model("comptes", "User").objects.filter(role=ANCIEN).update(role=NOUVEAU)


def vers_porteur(apps, schema_editor):
    apps.get_model("comptes", "User").objects.filter(role=NOUVEAU).update(role=ANCIEN)


class Migration(migrations.Migration):

    dependencies = [
        ('comptes', '0004_courriels_rattachements'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='role',
            field=models.CharField(blank=True, choices=[('admin_national', 'Administrateur national (CNSA / DNS)'), ('agent_ars', 'Agent ARS (instructeur)'), ('responsable_og', "Responsable d'organisme gestionnaire (porteur)"), ('gestionnaire_essms', "Gestionnaire d'ESSMS"), ('editeur', 'Éditeur de DUI (client API)')], max_length=30),
        ),
        migrations.RunPython(vers_responsable_og, vers_porteur),
    ]
