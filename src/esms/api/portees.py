"""Token scopes (portées): what a token may reach, on top of its user's role and scope.

Each scope opens a group of routes and needs one action of the permission layer: a token is only given a
scope whose action its user's role allows (an action not yet declared by its app is not checked).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Portee:
    code: str
    libelle: str
    action: str  # action code of esms.comptes.permissions the scope needs


PORTEES: dict[str, Portee] = {p.code: p for p in (
    Portee("referentiel:lire", "Lire le référentiel FINESS (établissements, organismes)", "referentiel.consulter"),
    Portee("dossiers:lire", "Lire les dossiers de candidature de votre périmètre", "candidatures.consulter"),
    Portee("enveloppes:lire", "Lire les enveloppes de votre périmètre", "enveloppes.consulter"),
    Portee("usages:ecrire", "Transmettre des indicateurs d'usage et des preuves", "usages.declarer"),
    Portee("sons:lire", "Lire les commandes SONS de votre périmètre (éditeur : vos déploiements)",
           "sons.consulter"),
    Portee("sons:ecrire", "Transmettre des commandes SONS et leur déploiement (éditeurs)", "sons.declarer"),
    Portee("pilotage:lire", "Lire les données des tableaux de bord", "pilotage.regional"),
)}

REFERENTIEL_LIRE = "referentiel:lire"
DOSSIERS_LIRE = "dossiers:lire"
ENVELOPPES_LIRE = "enveloppes:lire"
USAGES_ECRIRE = "usages:ecrire"
PILOTAGE_LIRE = "pilotage:lire"
SONS_LIRE = "sons:lire"
SONS_ECRIRE = "sons:ecrire"


def choix() -> list[tuple[str, str]]:
    return [(p.code, f"{p.code} — {p.libelle}") for p in PORTEES.values()]
