"""`esms rules simuler --campagne 2025 --parametres brouillon.yaml [--sortie DOSSIER]`: what-if simulation of
a draft parameter set on every filed dossier of the campaign and on the référentiel, against the version in
force. Prints the summary; with `--sortie`, writes the three CSV tables (dossiers, régions, établissements).
Reads only: nothing is written to the database.

The draft is the whole parameter set, as `esms rules params --campaign 2025` prints it (JSON is YAML), with
the values to simulate changed; each value keeps its source and status.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from esms import rules
from esms.candidatures.models import Campagne
from esms.candidatures.regles import VersionIntrouvable, campagne_de, version_en_vigueur
from esms.candidatures.simulation import simuler_campagne
from esms.exports import ecrivain_csv
from esms.rules.simulation import LIBELLES_REGLES, tableaux

TAILLE_MAX = 5 * 1024 * 1024  # a full parameter set is about 100 kB


def lire_brouillon(chemin: Path) -> rules.Campagne:
    """The draft's parameters; a `CommandError` naming the file, the line or the parameter otherwise."""
    try:
        taille = chemin.stat().st_size
    except OSError as exc:
        raise CommandError(f"{chemin} : lecture impossible ({exc.strerror or exc}).") from exc
    if taille > TAILLE_MAX:
        raise CommandError(f"{chemin} : fichier de {taille} octets, au-delà de {TAILLE_MAX} octets.")
    try:
        donnees = yaml.safe_load(chemin.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CommandError(f"{chemin}, octet {exc.start} : le fichier n'est pas encodé en UTF-8.") from exc
    except yaml.YAMLError as exc:
        marque = getattr(exc, "problem_mark", None)
        lieu = f"ligne {marque.line + 1}, colonne {marque.column + 1}" if marque else "contenu"
        raise CommandError(f"{chemin}, {lieu} : YAML invalide ({getattr(exc, 'problem', exc)}).") from exc
    if not isinstance(donnees, dict):
        raise CommandError(f"{chemin} : un dictionnaire de paramètres est attendu.")
    donnees.pop("parametres_au", None)  # printed by `esms rules params`
    try:
        return rules.campagne_from_dict(_dates_en_texte(donnees))
    except rules.ParametresInvalides as exc:
        raise CommandError("\n".join(f"{chemin} : {erreur}" for erreur in exc.erreurs)) from exc


def _dates_en_texte(noeud):
    """YAML reads 2025-09-15 as a date; the rules read ISO strings."""
    if isinstance(noeud, dict):
        return {k: _dates_en_texte(v) for k, v in noeud.items()}
    if isinstance(noeud, list):
        return [_dates_en_texte(v) for v in noeud]
    if hasattr(noeud, "isoformat"):
        return noeud.isoformat()
    return noeud


def _euros(montant: int) -> str:
    return f"{montant:,} €".replace(",", " ")


class Command(BaseCommand):
    help = "Simule un brouillon de paramètres sur les dossiers d'une campagne et le référentiel (aucune écriture)."

    def add_arguments(self, parser):
        parser.add_argument("--campagne", required=True, help="code de la campagne (ex. 2025)")
        parser.add_argument("--parametres", required=True, type=Path, help="paramètres du brouillon (YAML ou JSON)")
        parser.add_argument("--sortie", type=Path, help="dossier où écrire les tableaux CSV")

    def handle(self, *args, **options):
        code = options["campagne"]
        campagne = Campagne.objects.filter(code=code).first()
        if campagne is None:
            raise CommandError(f"--campagne : campagne « {code} » inconnue (chargez-la : esms campagne charger {code}).")
        brouillon = lire_brouillon(options["parametres"])
        if brouillon.code != campagne.code:
            raise CommandError(f"{options['parametres']} : code « {brouillon.code} » ≠ campagne {campagne.code}.")
        try:
            courante = version_en_vigueur(campagne)
        except VersionIntrouvable as exc:
            raise CommandError(str(exc)) from exc
        resultat = simuler_campagne(campagne, campagne_de(courante), brouillon)
        s = resultat.simulation
        ecrire = self.stdout.write
        ecrire(f"Campagne {campagne.code} : {len(resultat.numeros)} dossiers déposés, version en vigueur "
               f"v{courante.numero} comparée au brouillon {options['parametres']}.")
        ecrire(f"Dossiers éligibles : {sum(s.avant.eligible)} → {sum(s.apres.eligible)} ; "
               f"verdicts changés : {len(s.verdicts_changes)} ; financement : {_euros(s.total_avant)} → "
               f"{_euros(s.total_apres)}.")
        for change in s.verdicts_changes[:20]:
            regles = ", ".join(LIBELLES_REGLES.get(r, r) for r in change.regles)
            sens = "devient éligible" if change.eligible_apres else "devient non éligible"
            ecrire(f"  {resultat.numeros[change.rang]} {sens} ({regles}).")
        for region in s.regions:
            if region.montant_avant or region.montant_apres or region.depassement_apres:
                enveloppe = "non fixée" if region.enveloppe_apres is None else _euros(region.enveloppe_apres)
                depasse = f", dépassement {_euros(region.depassement_apres)}" if region.depassement_apres else ""
                ecrire(f"  Région {region.region} : {_euros(region.montant_avant)} → {_euros(region.montant_apres)} "
                       f"(enveloppe du brouillon : {enveloppe}{depasse}).")
        ecrire(f"Établissements du référentiel éligibles : {s.nb_referentiel_avant} → {s.nb_referentiel_apres} ; "
               f"membres des dossiers dont l'éligibilité change : {len(s.membres)}.")
        if options["sortie"]:
            dossier = options["sortie"]
            dossier.mkdir(parents=True, exist_ok=True)
            for nom, (entetes, lignes) in tableaux(s, resultat.numeros).items():
                chemin = dossier / f"simulation-{campagne.code}-{nom}.csv"
                with chemin.open("w", encoding="utf-8-sig", newline="") as flux:
                    ecrivain = ecrivain_csv(flux)
                    ecrivain.writerow(entetes)
                    ecrivain.writerows(lignes)
                ecrire(f"Écrit : {chemin} ({len(lignes)} lignes).")
        ecrire("Aucune écriture en base : le brouillon ne s'applique qu'une fois publié.")
