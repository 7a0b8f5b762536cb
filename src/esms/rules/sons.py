"""SONS « Prestation Ségur » parameters, read from `sons.yaml` (each value with its source), and the
order a member's establishment placed, as the rules take it.

The waves are dated: vague 1 (orders by 28/02/2024, deployment by 19/12/2024) and vague 2 (2025, AHI
eligible; its dates are hypotheses « à confirmer »). `vague_de(commande)` gives the wave's parameters;
the decisions live in `decisions/sons.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from esms.rules.categories import SECTEURS
from esms.rules.erreurs import RulesInputError
from esms.rules.modeles import CommandeSonsInput
from esms.rules.parametres import A_CONFIRMER, CONFIRME, Parametre

FICHIER = Path(__file__).with_name("sons.yaml")
STATUTS_COMMANDE = ("commande", "deploye", "paye")
__all__ = ["CommandeSonsInput", "ParametresSons", "VagueSons", "load_sons", "parametres_depuis"]


@dataclass(frozen=True, slots=True)
class VagueSons:
    numero: int
    ouverture_commandes: Parametre[date]
    date_limite_commande: Parametre[date]
    date_limite_deploiement: Parametre[date]
    secteurs: Parametre[tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ParametresSons:
    vagues: dict[int, VagueSons]
    exclusion_autre_solution: Parametre[bool]
    usage_exige_commande_sons: Parametre[bool]
    couvre: Parametre[tuple[str, ...]]
    forfait_finance: Parametre[str]


def _parametre(
    nom: str, brut: Any, erreurs: list[str], conversion: Callable[[Any], Any] = lambda v: v
) -> Parametre[Any]:
    if not isinstance(brut, dict) or "valeur" not in brut or not str(brut.get("source", "")).strip():
        erreurs.append(f"{FICHIER.name}, {nom} : valeur et source attendues")
        return Parametre(nom, None, "", A_CONFIRMER)
    try:
        valeur = conversion(brut["valeur"])
    except (TypeError, ValueError) as exc:
        erreurs.append(f"{FICHIER.name}, {nom} : {exc}")
        valeur = None
    source = str(brut["source"]).strip()
    statut = A_CONFIRMER if "Hypothèse" in source or "à confirmer" in source else CONFIRME
    return Parametre(nom, valeur, source, statut)


def _date(valeur: Any) -> date:
    if isinstance(valeur, date):
        return valeur
    return date.fromisoformat(str(valeur))


def _secteurs(valeur: Any) -> tuple[str, ...]:
    inconnus = [s for s in valeur if s not in SECTEURS]
    if inconnus:
        raise ValueError(f"secteur(s) inconnu(s) : {', '.join(map(str, inconnus))}")
    return tuple(valeur)


def parametres_depuis(donnees: dict[str, Any]) -> ParametresSons:
    """Build and check the parameters; every problem is reported at once (RulesInputError)."""
    erreurs: list[str] = []
    vagues = {}
    for numero, brut in (donnees.get("vagues") or {}).items():
        prefixe = f"sons.vagues.{numero}"
        vague = VagueSons(
            int(numero),
            _parametre(f"{prefixe}.ouverture_commandes", brut.get("ouverture_commandes"), erreurs, _date),
            _parametre(f"{prefixe}.date_limite_commande", brut.get("date_limite_commande"), erreurs, _date),
            _parametre(f"{prefixe}.date_limite_deploiement", brut.get("date_limite_deploiement"), erreurs, _date),
            _parametre(f"{prefixe}.secteurs", brut.get("secteurs"), erreurs, _secteurs),
        )
        if not erreurs and not (vague.ouverture_commandes.valeur <= vague.date_limite_commande.valeur
                                <= vague.date_limite_deploiement.valeur):
            erreurs.append(f"{FICHIER.name}, {prefixe} : ouverture ≤ date limite de commande ≤ date limite de "
                           "déploiement attendu")
        vagues[int(numero)] = vague
    prestation = donnees.get("prestation_segur") or {}
    parametres = ParametresSons(
        vagues=vagues,
        exclusion_autre_solution=_parametre("sons.exclusion_autre_solution", donnees.get("exclusion_autre_solution"),
                                            erreurs, bool),
        usage_exige_commande_sons=_parametre("sons.usage_exige_commande_sons",
                                             donnees.get("usage_exige_commande_sons"), erreurs, bool),
        couvre=_parametre("sons.prestation_segur.couvre", prestation.get("couvre"), erreurs, tuple),
        forfait_finance=_parametre("sons.prestation_segur.forfait_finance", prestation.get("forfait_finance"),
                                   erreurs, str),
    )
    if not vagues:
        erreurs.append(f"{FICHIER.name} : aucune vague")
    if erreurs:
        raise RulesInputError(erreurs)
    return parametres


@lru_cache(maxsize=1)
def load_sons() -> ParametresSons:
    """The shipped SONS parameters (cached)."""
    return parametres_depuis(yaml.safe_load(FICHIER.read_text(encoding="utf-8")))
