"""Proposals of the bourse aux grappes, computed by an optimisation solver (no Django).

- `lire_instance(dict) -> Instance` (located French errors, `RulesInputError`), `esms.bourse.solveur.entree`;
- `proposer(instance, moteur="highs") -> Resultat`, `esms.bourse.solveur.optimisation`;
- `resultat_vers_dict(resultat)`: the JSON contract of `docs/bourse.md`;
- `glouton(instance)` (baseline) and `exhaustif(instance)` (small instances) for comparison;
- `verifier_grappe`: the one check of a proposed grappe (places, solution, distance, rules verdict).
"""

from esms.bourse.solveur.entree import lire_instance
from esms.bourse.solveur.modeles import Demande, Instance, Offre, Proposition, Resultat
from esms.bourse.solveur.optimisation import proposer
from esms.bourse.solveur.sortie import resultat_vers_dict

__all__ = [
    "Demande",
    "Instance",
    "Offre",
    "Proposition",
    "Resultat",
    "lire_instance",
    "proposer",
    "resultat_vers_dict",
]
