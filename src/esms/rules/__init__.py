"""Les règles du programme ESMS numérique, en Python pur (« rules as code »).

This package imports nothing from Django nor from other `esms.*` packages: only the standard library
and PyYAML. Everything else in the platform calls it; it calls nothing.

- Campaign parameters: one YAML file per campaign in `campagnes/` (every value with its source and its
  status « confirmé » / « à confirmer »), resolved at a date with dated amendments:
  `load_campagne`, `list_campagnes`, `campagne_from_dict`, `campagne_to_dict`.
- FINESS categories: `classify` (eligibility under art. L.312-1 CASF and programme sector).
- Decisions, each a pure function returning a `Verdict` with its explanation trace: `esms.rules.decisions`.
- Entry points: `evaluate_dossier(dict) -> dict` (JSON contract, docs/rules.md) and the typed
  `evaluate(DossierInput) -> DossierVerdict`; invalid input raises `RulesInputError`.
- CLI: `esms rules evaluate|params|campagnes` (`esms.rules.cli.main`).
"""

from esms.rules.categories import SECTEUR_LIBELLES, SECTEURS, CategoryClass, classify
from esms.rules.chargement import (
    CODES_CAMPAGNES,
    campagne_from_dict,
    campagne_to_dict,
    list_campagnes,
    load_campagne,
)
from esms.rules.entree import parse_dossier
from esms.rules.erreurs import CampagneInconnue, ParametresInvalides, RulesInputError
from esms.rules.evaluation import evaluate, evaluate_dossier, evaluer_avec
from esms.rules.modeles import DossierInput, DossierVerdict, Motif, Verdict
from esms.rules.parametres import Campagne, Parametre

__all__ = [
    "CODES_CAMPAGNES",
    "SECTEURS",
    "SECTEUR_LIBELLES",
    "Campagne",
    "CampagneInconnue",
    "CategoryClass",
    "DossierInput",
    "DossierVerdict",
    "Motif",
    "Parametre",
    "ParametresInvalides",
    "RulesInputError",
    "Verdict",
    "campagne_from_dict",
    "campagne_to_dict",
    "classify",
    "evaluate",
    "evaluate_dossier",
    "evaluer_avec",
    "list_campagnes",
    "load_campagne",
    "parse_dossier",
]
