"""Command line `esms bourse proposer FICHIER.json|-` (no Django): the proposals, as JSON.

    esms bourse proposer FICHIER.json|- [--moteur highs|cpsat] [--limite SECONDES] [--compact]

Exit codes: 0 computed (even when nothing could be placed); 2 invalid input, with located French
messages on stderr (« demandes[3].latitude : nombre entre -90 et 90 attendu »).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from esms.bourse.solveur.entree import lire_instance
from esms.bourse.solveur.moteurs import MOTEURS
from esms.bourse.solveur.optimisation import LIMITE_S, proposer
from esms.bourse.solveur.sortie import resultat_vers_dict
from esms.rules.cli import _lire_entree, traduire
from esms.rules.entree import charger_json
from esms.rules.erreurs import ErreursLocalisees, RulesInputError

EXIT_OK = 0
EXIT_ENTREE_INVALIDE = 2


class _Analyseur(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise RulesInputError([f"arguments : {traduire(message)}"])


def construire_analyseur() -> argparse.ArgumentParser:
    analyseur = _Analyseur(prog="esms bourse", description="Bourse aux grappes : propositions (sans Django).")
    commandes = analyseur.add_subparsers(dest="commande", required=True, metavar="COMMANDE")
    proposer_ = commandes.add_parser("proposer", help="calcule les propositions pour des besoins et des offres")
    proposer_.add_argument("fichier", help="fichier JSON (docs/bourse.md), ou « - » pour l'entrée standard")
    proposer_.add_argument("--moteur", choices=MOTEURS, default="highs", help="solveur (défaut : highs)")
    proposer_.add_argument("--limite", type=float, default=LIMITE_S, help="temps maximal en secondes")
    proposer_.add_argument("--compact", action="store_true", help="JSON sur une ligne")
    return analyseur


def main(argv: list[str] | None = None) -> int:
    try:
        args = construire_analyseur().parse_args(sys.argv[1:] if argv is None else argv)
        if not args.limite > 0:
            raise RulesInputError(["--limite : durée positive attendue (secondes)"])
        texte, origine = _lire_entree(args.fichier)
        instance = lire_instance(charger_json(texte, origine))
        resultat = proposer(instance, moteur=args.moteur, limite_s=args.limite)
    except ErreursLocalisees as exc:
        for erreur in exc.erreurs:
            sys.stderr.write(f"erreur : {erreur}\n")
        return EXIT_ENTREE_INVALIDE
    sys.stdout.write(json.dumps(resultat_vers_dict(instance, resultat), ensure_ascii=False, indent=None if args.compact else 2))
    sys.stdout.write("\n")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
