"""`esms preparer_demo`: everything `make demo` needs after `migrate`, from the repository alone.

1. geography and FINESS nomenclatures shipped in the package (`esms charger_referentiel`);
2. the national establishment file: ESMS_FINESS_FILE, else `../shared/data`, else the latest FINESS+
   « Structures » file downloaded through the data.gouv.fr dataset API (`ESMS_FINESS_API`); offline, one
   French sentence says what to provide;
3. the published FINESS+ example (daily flow, shipped in the package) on top, so that some organismes carry
   their real names, SIREN and groups;
4. the demo data (`esms demo`).
Each step is idempotent: an already imported file changes nothing.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from esms.referentiel.importer.format_plus import SCHEMA


class Command(BaseCommand):
    help = "Prépare la démonstration : référentiel, fichier FINESS national (téléchargé au besoin), exemples FINESS+."

    def handle(self, *args, **options):
        call_command("charger_referentiel", stdout=self.stdout)
        call_command("import_finess", stdout=self.stdout)
        exemple = SCHEMA.parent / "finess-plus" / "sample-finess-structures-journalier-20260309.json"
        call_command("import_finess", str(exemple), "--nature", "flux", stdout=self.stdout)
        call_command("demo", stdout=self.stdout)
