"""Usage-target attainment: which targets each funded member meets, with the campaign's exemptions.

A member meets its targets when every indicator of the campaign's catalogue that applies to it satisfies
`valeur <operateur> seuil`; a missing value is not met. Exemptions (e.g. 2025 amendment: AHI not eligible to
SONS are exempt from the MSSanté and DMP targets) remove indicators for matching members; an exemption
with `sons_eligible` set applies only to members that declared that exact SONS eligibility.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from esms.rules.decisions.membre import MembreEvalue
from esms.rules.modeles import AtteinteMembre, AtteinteUsage, Motif, Verdict
from esms.rules.parametres import Campagne
from esms.rules.trace import jsonable, motif

OPERATEURS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


def indicateurs_exemptes(evalue: MembreEvalue, campagne: Campagne) -> frozenset[str]:
    codes: set[str] = set()
    for exemption in campagne.usage.exemptions.valeur:
        if exemption.secteur == evalue.categorie.secteur and (
            exemption.sons_eligible is None or exemption.sons_eligible is evalue.membre.sons_eligible
        ):
            codes.update(exemption.indicateurs)
    return frozenset(codes)


def evaluer_usage(
    evalues: Sequence[MembreEvalue], doublons: set[int], campagne: Campagne
) -> Verdict[AtteinteUsage] | None:
    """None when no member reported indicators (nothing to evaluate yet)."""
    retenus = [e for rang, e in enumerate(evalues) if e.eligible and rang not in doublons]
    if not any(e.membre.indicateurs is not None for e in retenus):
        return None
    catalogue = campagne.usage.indicateurs
    motifs: list[Motif] = []
    par_membre: list[AtteinteMembre] = []
    nb_exemptes = 0
    exemptes_codes: set[str] = set()
    for evalue in retenus:
        mesures = evalue.membre.indicateurs or {}
        exemptes = indicateurs_exemptes(evalue, campagne)
        if exemptes:
            nb_exemptes += 1
            exemptes_codes.update(exemptes)
        detail: dict[str, Any] = {}
        manques: list[str] = []
        for code, parametre in catalogue.items():
            indicateur = parametre.valeur
            if code in exemptes:
                detail[code] = MappingProxyType({"exempte": True, "atteint": True})
                continue
            valeur = mesures.get(code)
            atteint = valeur is not None and OPERATEURS[indicateur.operateur](valeur, indicateur.seuil)
            detail[code] = MappingProxyType(
                {
                    "valeur": jsonable(valeur),
                    "operateur": indicateur.operateur,
                    "seuil": jsonable(indicateur.seuil),
                    "atteint": atteint,
                    "exempte": False,
                }
            )
            if not atteint:
                manques.append(
                    f"{code} {'non déclaré' if valeur is None else f'= {jsonable(valeur)}'} (cible {indicateur.operateur} {jsonable(indicateur.seuil)})"
                )
        inconnus = sorted(set(mesures) - set(catalogue))
        if inconnus:
            detail["ignores"] = MappingProxyType({"indicateurs_inconnus": inconnus})
        ok = not manques
        par_membre.append(AtteinteMembre(evalue.membre.finess_et, ok, MappingProxyType(detail)))
        if not ok:
            message = f"Cibles d'usage non atteintes : {', '.join(manques)}."
            motifs.append(
                motif(
                    "usage.cibles",
                    False,
                    message,
                    catalogue.values(),
                    finess_et=evalue.membre.finess_et,
                    bloquant=False,
                )
            )
    atteints = sum(1 for a in par_membre if a.cibles_atteintes)
    toutes = atteints == len(par_membre)
    parametres = [*catalogue.values(), campagne.usage.exemptions]
    synthese = motif(
        "usage.cibles",
        toutes,
        f"{atteints} ESSMS sur {len(par_membre)} ont atteint toutes leurs cibles d'usage.",
        parametres,
        bloquant=False,
    )
    motifs.insert(0, synthese)
    if nb_exemptes:
        message = f"{nb_exemptes} ESSMS exempté(s) des cibles {', '.join(sorted(exemptes_codes))}."
        motifs.insert(1, motif("usage.exemption", True, message, [campagne.usage.exemptions], bloquant=False))
    atteinte = AtteinteUsage(toutes, len(par_membre), atteints, tuple(par_membre))
    return Verdict(toutes, atteinte, tuple(motifs))
