"""PostgreSQL only: trigram (pg_trgm) GIN indexes so that `LIKE '%mot%'` searches on the establishment name key
and the ligne d'acheminement use an index. SQLite, and PostgreSQL servers without the pg_trgm extension, keep
the sequential scan (about 30 ms on the national file): the migration then does nothing."""

import logging

from django.db import migrations, transaction

INDEX = {
    "ref_et_nom_trgm": "nom_recherche",
    "ref_et_acheminement_trgm": "ligne_acheminement",
}
logger = logging.getLogger(__name__)


def creer(apps, schema_editor):
    connexion = schema_editor.connection
    if connexion.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connexion.alias), connexion.cursor() as curseur:
            curseur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 — the extension is an optimisation, not a requirement
        logger.warning("Extension pg_trgm indisponible (%s) : recherche sans index trigramme.", exc)
        return
    with connexion.cursor() as curseur:
        for nom, colonne in INDEX.items():
            curseur.execute(f"CREATE INDEX IF NOT EXISTS {nom} ON referentiel_etablissement "
                            f"USING gin ({colonne} gin_trgm_ops)")


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as curseur:
        for nom in INDEX:
            curseur.execute(f"DROP INDEX IF EXISTS {nom}")


class Migration(migrations.Migration):
    dependencies = [("referentiel", "0002_categorie_source_eligibilite_etablissement_code_mft_and_more")]
    operations = [migrations.RunPython(creer, supprimer)]
