"""`esms import_finess [PATH] [--ej PATH_EJ] [--nature instantane|flux] [--skip-invalid] [--json]
[--encodage latin-1|utf-8] [--telecharger] [--confirmer [N]] [--annuler N]`.

PATH (FINESS+ Structures JSON, gzip or plain, or Etalab CSV: recognised from the content) defaults to
ESMS_FINESS_FILE, else the shared data file, else a download. `--telecharger` fetches the latest FINESS+
Structures resource through the data.gouv.fr dataset API (`settings.FINESS_API`), checking its SHA-256.
An import that would close too many establishments, or is not newer than the last applied one, is held
« à confirmer »: `--confirmer N` applies held import N; `--confirmer` with PATH applies at once.
`--annuler N` rolls applied import N back. Prints a French summary; with --json, one JSON object on the
last line. Exit code 1 with the located French message when the import fails (nothing is written then).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from esms.comptes.permissions import SYSTEME
from esms.referentiel.erreurs import ErreurImport, ErreurReferentiel, nombre
from esms.referentiel.importer.lecture import ENCODAGES
from esms.referentiel.importer.telechargement import fichier_a_importer, telecharger_finess_plus
from esms.referentiel.models import ImportFiness
from esms.referentiel.services import annuler_import, confirmer_import, importer_finess


class Command(BaseCommand):
    help = ("Importe un fichier FINESS : flux FINESS+ « Structures » (JSON) ou extraction Etalab historique "
            "(CSV) ; confirme ou annule un import.")

    def add_arguments(self, parser):
        parser.add_argument("chemin", nargs="?", help="fichier FINESS+ (.json, .json.gz) ou Etalab (.csv, .csv.gz)")
        parser.add_argument("--ej", dest="chemin_ej", help="fichier des entités juridiques etalab-cs1100501-stock-*")
        parser.add_argument("--nature", choices=ImportFiness.Nature.values,
                            help="FINESS+ : instantane (ferme les absents) ou flux (quotidien, ne ferme jamais par "
                                 "absence) ; par défaut d'après le nom du fichier, sinon flux")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="importer les enregistrements valides et écrire un rapport des rejets sous var/imports/")
        parser.add_argument("--json", action="store_true", help="terminer par un objet JSON de synthèse")
        parser.add_argument("--encodage", choices=ENCODAGES, default="latin-1",
                            help="encodage d'un fichier Etalab (défaut : latin-1, celui des extractions Etalab)")
        parser.add_argument("--telecharger", action="store_true",
                            help="télécharger le dernier fichier « FINESS - Structures » via l'API data.gouv.fr")
        parser.add_argument("--confirmer", nargs="?", const=0, type=int, metavar="N",
                            help="appliquer l'import n° N mis en attente ; sans N, appliquer le fichier donné "
                                 "sans mise en attente")
        parser.add_argument("--annuler", type=int, metavar="N", help="annuler l'import appliqué n° N")

    def handle(self, *args, **options):
        try:
            if options["annuler"] is not None:
                resultat = annuler_import(actor=SYSTEME, pk=options["annuler"])
                comptes = resultat.details.get("annulation", {})
                self.stdout.write(
                    f"Import FINESS n° {resultat.pk} annulé : {nombre(comptes.get('etablissements_restaures', 0))} "
                    f"établissement(s) restauré(s), {nombre(comptes.get('etablissements_supprimes', 0))} supprimé(s), "
                    f"{nombre(comptes.get('organismes_restaures', 0))} organisme(s) restauré(s), "
                    f"{nombre(comptes.get('organismes_supprimes', 0))} supprimé(s).")
                return
            if options["confirmer"]:
                resultat = confirmer_import(actor=SYSTEME, pk=options["confirmer"])
            else:
                url = ""
                if options["telecharger"]:
                    telecharge = telecharger_finess_plus()
                    chemin, origine, url = telecharge.chemin, "téléchargement data.gouv.fr", telecharge.url
                else:
                    chemin, origine, url = fichier_a_importer(options["chemin"])
                if origine != "argument":
                    self.stdout.write(f"Fichier importé ({origine}) : {chemin}")
                resultat = importer_finess(actor=SYSTEME, chemin=chemin, chemin_ej=options["chemin_ej"],
                                           ignorer_invalides=options["skip_invalid"], encodage=options["encodage"],
                                           nature=options["nature"], confirmer=options["confirmer"] == 0,
                                           url_source=url)
        except ErreurReferentiel as erreur:
            conseil = (" En ligne de commande : relancez avec --skip-invalid."
                       if isinstance(erreur, ErreurImport) and erreur.total > 1 else "")
            raise CommandError(f"{erreur}{conseil}") from erreur
        self.stdout.write("\n".join(_resume(resultat)))
        if options["json"]:
            self.stdout.write(json.dumps({
                "import": resultat.pk, "statut": resultat.statut, "type": resultat.type_fichier,
                "nature": resultat.nature, "fichier": resultat.fichier,
                "date_extraction": resultat.date_extraction.isoformat() if resultat.date_extraction else None,
                "sha256": resultat.sha256, "url": resultat.url_source or None,
                "crees": resultat.nb_crees, "modifies": resultat.nb_modifies, "fermes": resultat.nb_fermes,
                "rejetes": resultat.nb_rejetes, "secondes": resultat.duree_secondes,
                "rapport_rejets": resultat.rapport_rejets or None, **resultat.details,
            }, ensure_ascii=False, default=str))


def _resume(resultat: ImportFiness) -> list[str]:
    details = resultat.details
    extraction = f"extraction du {resultat.date_extraction:%d/%m/%Y}" if resultat.date_extraction else "extraction"
    if resultat.statut == ImportFiness.Statut.A_CONFIRMER:
        return [
            f"Import FINESS n° {resultat.pk} EN ATTENTE DE CONFIRMATION ({resultat.fichier}, {extraction}) : "
            "rien n'a été écrit.",
            f"  {resultat.motif_attente}",
            f"  Il créerait {nombre(resultat.nb_crees)}, modifierait {nombre(resultat.nb_modifies)} et fermerait "
            f"{nombre(resultat.nb_fermes)} établissement(s).",
            f"  Pour l'appliquer : esms import_finess --confirmer {resultat.pk} (ou la page des imports).",
        ]
    nature = "instantané" if resultat.nature == ImportFiness.Nature.INSTANTANE else "flux quotidien"
    lignes = [
        f"Import FINESS n° {resultat.pk} réussi ({resultat.fichier}, {extraction}, {nature}) en "
        f"{resultat.duree_secondes or 0:.1f} s :",
        f"  {nombre(resultat.nb_crees)} créé(s), {nombre(resultat.nb_modifies)} modifié(s), "
        f"{nombre(resultat.nb_fermes)} fermé(s), {nombre(resultat.nb_rejetes)} rejeté(s)",
    ]
    if resultat.type_fichier == "plus":
        lignes.append(f"  organismes : {nombre(details.get('organismes_crees', 0))} créé(s), "
                      f"{nombre(details.get('organismes_modifies', 0))} modifié(s) ; "
                      f"{nombre(details.get('groupes', 0))} groupe(s) GCC/GCO")
        hors = details.get("hors_perimetre") or {}
        if hors:
            lignes.append("  hors périmètre (territoire sans ARS) : " + ", ".join(
                f"{nombre(n)} établissement(s) de {territoire}" for territoire, n in sorted(hors.items())))
    elif details.get("organismes_ebauches"):
        lignes.append(f"  {nombre(details['organismes_ebauches'])} organisme(s) gestionnaire(s) créé(s) "
                      "sans fichier EJ (fiche minimale)")
    if "import_ej_id" in details:
        lignes.append(f"  entités juridiques : {nombre(details['ej_crees'])} créée(s), "
                      f"{nombre(details['ej_modifies'])} modifiée(s) (import n° {details['import_ej_id']})")
    if resultat.url_source:
        lignes.append(f"  téléchargé depuis {resultat.url_source} (SHA-256 {resultat.sha256})")
    if resultat.rapport_rejets:
        lignes.append(f"  rapport des rejets : {resultat.rapport_rejets}")
    return lignes
