"""`esms usages recompute FICHIER --debut AAAA-MM-JJ --fin AAAA-MM-JJ [--min-ecritures N] [--fenetre-jours N]
[--campagne 2024] [--json]`: recompute the active DUIs of an evidence file with the same code as the web
upload (`esms.usages.preuves.recalcul.recompter`). Default definition: the campaign's shipped parameters."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from esms.rules import RulesInputError, load_campagne
from esms.rules.dui_actif import definition_dui_actif
from esms.usages.erreurs import PreuveInvalide
from esms.usages.preuves.recalcul import recompter


def _date(valeur: str) -> date:
    try:
        return date.fromisoformat(valeur)
    except ValueError:
        raise CommandError(f"Date invalide « {valeur} » (format AAAA-MM-JJ).") from None


class Command(BaseCommand):
    help = "Recalcule le nombre de DUI actifs par établissement d'un fichier de preuve."

    def add_arguments(self, parser):
        sous = parser.add_subparsers(dest="action", required=True)
        recompute = sous.add_parser("recompute", help="recalculer les DUI actifs d'un fichier (CSV, Parquet, NDJSON)")
        recompute.add_argument("fichier")
        recompute.add_argument("--debut", required=True, help="premier jour de la période (AAAA-MM-JJ)")
        recompute.add_argument("--fin", required=True, help="dernier jour de la période (AAAA-MM-JJ)")
        recompute.add_argument("--min-ecritures", type=int, default=None)
        recompute.add_argument("--fenetre-jours", type=int, default=None)
        recompute.add_argument("--campagne", default="2024", help="campagne dont la définition s'applique (défaut 2024)")
        recompute.add_argument("--json", action="store_true", help="sortie JSON {finess_et: nombre_dui_actifs}")

    def handle(self, *args, **options):
        chemin = Path(options["fichier"])
        if not chemin.is_file():
            raise CommandError(f"Fichier introuvable : {chemin}")
        debut, fin = _date(options["debut"]), _date(options["fin"])
        try:
            verdict = definition_dui_actif(load_campagne(options["campagne"], fin), debut, fin,
                                           ecritures_min=options["min_ecritures"], fenetre_jours=options["fenetre_jours"])
            resultat = recompter(chemin, nom=chemin.name, definition=verdict.valeur)
        except RulesInputError as exc:
            raise CommandError(" ; ".join(exc.erreurs)) from None
        except PreuveInvalide as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if options["json"]:
            self.stdout.write(json.dumps(resultat.par_etablissement, ensure_ascii=False, sort_keys=True))
            return
        self.stdout.write(verdict.motifs[0].message)
        for finess, nombre in sorted(resultat.par_etablissement.items()):
            self.stdout.write(f"{finess}\t{nombre}")
        self.stdout.write(f"Total : {resultat.total} DUI actifs, {resultat.nb_evenements} événements, "
                          f"{resultat.nb_dui} DUI distincts ({resultat.format}).")
