"""Command line `esms rules …` (the project's `esms` console script dispatches here).

    esms rules evaluate FICHIER.json|-      verdict of a dossier, as JSON
    esms rules params --campaign 2024 [--date AAAA-MM-JJ] [--a-confirmer]
                                            resolved parameters with their sources, as JSON
                                            (--a-confirmer: only those still « à confirmer »)
    esms rules campagnes                    the shipped campaigns
    esms rules schema                       JSON Schema of the parameters (docs/parametres.schema.json)

Exit codes: 0 evaluated (eligible or not) or printed; 2 invalid input, with located French messages
on stderr (« members[3].finess_et : clé de contrôle invalide », « ligne 4, colonne 12 : JSON invalide »).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from typing import Any, TextIO

from esms.rules.chargement import campagne_to_dict, list_campagnes, load_campagne, parametres_a_confirmer
from esms.rules.entree import charger_json
from esms.rules.erreurs import CampagneInconnue, ErreursLocalisees, RulesInputError
from esms.rules.evaluation import evaluate_dossier

EXIT_OK = 0
EXIT_ENTREE_INVALIDE = 2


_TRADUCTIONS_ARGPARSE = (
    (re.compile(r"^the following arguments are required: (.*)$"), "arguments obligatoires manquants : {0}"),
    (
        re.compile(r"^argument (\S+): invalid choice: (.*?) \(choose from (.*)\)$"),
        "{0} : choix {1} inconnu (possibles : {2})",
    ),
    (re.compile(r"^unrecognized arguments: (.*)$"), "arguments non reconnus : {0}"),
    (re.compile(r"^argument (\S+): expected one argument$"), "{0} : une valeur est attendue"),
)


def traduire(message: str) -> str:
    """French version of the usual argparse error messages (others are kept as they are)."""
    for motif, modele in _TRADUCTIONS_ARGPARSE:
        trouve = motif.match(message)
        if trouve:
            return modele.format(*trouve.groups())
    return message


class _Analyseur(argparse.ArgumentParser):
    """argparse with French error messages and no `sys.exit` hidden in the library."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise RulesInputError([f"arguments : {traduire(message)}"])


def construire_analyseur() -> argparse.ArgumentParser:
    analyseur = _Analyseur(prog="esms rules", description="Règles du programme ESMS numérique (sans Django).")
    commandes = analyseur.add_subparsers(dest="commande", required=True, metavar="COMMANDE")
    evaluer = commandes.add_parser("evaluate", help="évalue un dossier JSON et affiche le verdict")
    evaluer.add_argument("fichier", help="fichier JSON du dossier, ou « - » pour l'entrée standard")
    evaluer.add_argument("--compact", action="store_true", help="JSON sur une ligne")
    parametres = commandes.add_parser("params", help="affiche les paramètres résolus d'une campagne")
    parametres.add_argument(
        "--campaign", required=True, help="code de campagne : 2021-1, 2021-2, 2022 … 2025"
    )
    parametres.add_argument(
        "--date", help="date de résolution AAAA-MM-JJ (par défaut : tous les amendements)"
    )
    parametres.add_argument(
        "--a-confirmer", action="store_true", help="seulement les paramètres « à confirmer »"
    )
    parametres.add_argument("--compact", action="store_true", help="JSON sur une ligne")
    commandes.add_parser("campagnes", help="liste les campagnes disponibles")
    commandes.add_parser(
        "schema", help="affiche le JSON Schema des paramètres (docs/parametres.schema.json), généré de leur forme"
    )
    return analyseur


def _ecrire(donnees: Any, sortie: TextIO, compact: bool = False) -> None:
    sortie.write(json.dumps(donnees, ensure_ascii=False, indent=None if compact else 2))
    sortie.write("\n")


def _lire_entree(fichier: str) -> tuple[str, str]:
    if fichier == "-":
        brut = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
        origine = "<stdin>"
    else:
        try:
            with open(fichier, "rb") as flux:
                brut = flux.read()
        except OSError as exc:
            raise RulesInputError([f"{fichier} : lecture impossible ({exc.strerror or exc})"]) from exc
        origine = fichier
    try:
        return brut.decode("utf-8-sig"), origine
    except UnicodeDecodeError as exc:
        raise RulesInputError(
            [f"{origine}, octet {exc.start} : le fichier n'est pas encodé en UTF-8"]
        ) from exc


def _evaluer(args: argparse.Namespace) -> int:
    texte, origine = _lire_entree(args.fichier)
    _ecrire(evaluate_dossier(charger_json(texte, origine)), sys.stdout, args.compact)
    return EXIT_OK


def _parametres(args: argparse.Namespace) -> int:
    as_of = None
    if args.date:
        try:
            as_of = date.fromisoformat(args.date)
        except ValueError as exc:
            raise RulesInputError([f"--date : date invalide (« {args.date} », format AAAA-MM-JJ)"]) from exc
    try:
        campagne = load_campagne(args.campaign, as_of)
    except CampagneInconnue as exc:
        raise RulesInputError([f"--campaign : {erreur}" for erreur in exc.erreurs]) from exc
    if args.a_confirmer:
        donnees: dict[str, Any] = {
            "campagne": campagne.code,
            "parametres_au": as_of.isoformat() if as_of else None,
            "a_confirmer": [
                {"parametre": p.nom, "valeur": p.valeur_json, "source": p.source, "note": p.note}
                for p in parametres_a_confirmer(campagne)
            ],
        }
    else:
        donnees = {"parametres_au": as_of.isoformat() if as_of else None, **campagne_to_dict(campagne)}
    _ecrire(donnees, sys.stdout, args.compact)
    return EXIT_OK


def _campagnes(args: argparse.Namespace) -> int:
    _ecrire(
        [
            {
                "code": r.code,
                "libelle": r.libelle,
                "annee": r.annee,
                "instruction": r.instruction,
                "amendements": [
                    {"code": code, "date_effet": effet.isoformat()} for code, effet in r.amendements
                ],
            }
            for r in list_campagnes()
        ],
        sys.stdout,
    )
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from esms.rules.schema_campagne import schema_json

    sys.stdout.write(json.dumps(schema_json(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run `esms rules` with `argv` (without the program name); returns the exit code."""
    try:
        args = construire_analyseur().parse_args(sys.argv[1:] if argv is None else argv)
        commandes = {"evaluate": _evaluer, "params": _parametres, "campagnes": _campagnes, "schema": _schema}
        return commandes[args.commande](args)
    except ErreursLocalisees as exc:
        for erreur in exc.erreurs:
            sys.stderr.write(f"erreur : {erreur}\n")
        return EXIT_ENTREE_INVALIDE


if __name__ == "__main__":
    sys.exit(main())
