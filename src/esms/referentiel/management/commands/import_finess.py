"""`esms import_finess [PATH] [--ej PATH_EJ] [--skip-invalid] [--json] [--encodage latin-1|utf-8]`.

PATH defaults to ESMS_FINESS_FILE, else the shared data file, else a download of settings.FINESS_URL.
Prints a French summary; with --json, one JSON object on the last line. Exit code 1 with the located French
message when the import fails (nothing is written then).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from esms.comptes.permissions import SYSTEME
from esms.referentiel.erreurs import ErreurReferentiel, nombre
from esms.referentiel.importer.lecture import ENCODAGES
from esms.referentiel.importer.telechargement import fichier_a_importer
from esms.referentiel.services import importer_finess


class Command(BaseCommand):
    help = "Importe l'extraction FINESS Etalab des établissements (et, en option, celle des entités juridiques)."

    def add_arguments(self, parser):
        parser.add_argument("chemin", nargs="?", help="fichier etalab-cs1100507-stock-*.csv (ou .csv.gz)")
        parser.add_argument("--ej", dest="chemin_ej", help="fichier des entités juridiques etalab-cs1100501-stock-*")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="importer les lignes valides et écrire un rapport des rejets sous var/imports/")
        parser.add_argument("--json", action="store_true", help="terminer par un objet JSON de synthèse")
        parser.add_argument("--encodage", choices=ENCODAGES, default="latin-1",
                            help="encodage du fichier (défaut : latin-1, celui des extractions Etalab)")

    def handle(self, *args, **options):
        try:
            chemin, origine = fichier_a_importer(options["chemin"])
            if origine != "argument":
                self.stdout.write(f"Fichier importé ({origine}) : {chemin}")
            resultat = importer_finess(actor=SYSTEME, chemin=chemin, chemin_ej=options["chemin_ej"],
                                       ignorer_invalides=options["skip_invalid"], encodage=options["encodage"])
        except ErreurReferentiel as erreur:
            raise CommandError(str(erreur)) from erreur
        details = resultat.details
        lignes = [
            f"Import FINESS n° {resultat.pk} réussi ({resultat.fichier}, extraction du "
            f"{resultat.date_extraction:%d/%m/%Y}) en {resultat.duree_secondes:.1f} s :",
            f"  {nombre(resultat.nb_crees)} créé(s), {nombre(resultat.nb_modifies)} modifié(s), "
            f"{nombre(resultat.nb_fermes)} fermé(s), {nombre(resultat.nb_rejetes)} rejeté(s)",
        ]
        if "organismes_ebauches" in details:
            lignes.append(f"  {nombre(details['organismes_ebauches'])} organisme(s) gestionnaire(s) créé(s) "
                          "sans fichier EJ (fiche minimale)")
        if "import_ej_id" in details:
            lignes.append(f"  entités juridiques : {nombre(details['ej_crees'])} créée(s), "
                          f"{nombre(details['ej_modifies'])} modifiée(s) (import n° {details['import_ej_id']})")
        if resultat.rapport_rejets:
            lignes.append(f"  rapport des rejets : {resultat.rapport_rejets}")
        self.stdout.write("\n".join(lignes))
        if options["json"]:
            self.stdout.write(json.dumps({
                "import": resultat.pk, "type": resultat.type_fichier, "fichier": resultat.fichier,
                "date_extraction": resultat.date_extraction.isoformat(), "sha256": resultat.sha256,
                "crees": resultat.nb_crees, "modifies": resultat.nb_modifies, "fermes": resultat.nb_fermes,
                "rejetes": resultat.nb_rejetes, "secondes": resultat.duree_secondes,
                "rapport_rejets": resultat.rapport_rejets or None, **details,
            }, ensure_ascii=False))
