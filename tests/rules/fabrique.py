"""Builders of valid FINESS numbers, members and dossiers for the rules tests."""

from __future__ import annotations

import copy
from itertools import count
from typing import Any

from esms.rules.finess import cle_luhn_valide
from esms.rules.geographie import DEPARTEMENTS_PAR_REGION

_SEQUENCE = count(1)
CORSE_OUTRE_MER = ("94", "01", "02", "03", "04", "06")


def avec_cle(base: str) -> str:
    """Append the Luhn key to 8 digits."""
    for cle in "0123456789":
        if cle_luhn_valide(base + cle):
            return base + cle
    raise AssertionError(base)


def finess(departement: str, sequence: int | None = None) -> str:
    """A valid FINESS number of a département (metropolitan, Corsican, overseas or Mayotte)."""
    n = next(_SEQUENCE) if sequence is None else sequence
    if departement in ("2A", "2B"):
        numerique = avec_cle(f"{'21' if departement == '2A' else '22'}{n % 10**6:06d}")
        return departement + numerique[2:]
    if departement in ("971", "972", "973", "974"):
        return avec_cle(f"970{departement[2]}{n % 10**4:04d}")
    if departement == "976":
        return avec_cle(f"98{n % 10**6:06d}")
    return avec_cle(f"{departement}{n % 10**6:06d}")


def departement_de(region: str) -> str:
    return DEPARTEMENTS_PAR_REGION[region][0]


def membre(region: str = "84", **champs: Any) -> dict[str, Any]:
    """A valid, eligible member in `region` (EHPAD, acquisition, referenced DUI), overridable."""
    departement = champs.pop("departement", departement_de(region))
    base: dict[str, Any] = {
        "finess_et": finess(departement),
        "finess_ej": champs.pop("finess_ej", None) or finess(departement),
        "categorie": "500",
        "region": region,
        "departement": departement,
        "cas": "acquisition",
        "solution_dui": "Solution A",
        "solution_referencee_segur": True,
        "autres_fonds_ue": False,
        "deja_finance_pour": None,
    }
    base.update(champs)
    return base


def membres(nombre: int, region: str = "84", **champs: Any) -> list[dict[str, Any]]:
    return [membre(region, **champs) for _ in range(nombre)]


def dossier(
    liste: list[dict[str, Any]],
    campagne: str = "2024",
    submitted_at: str = "2024-03-01T10:00:00+01:00",
    nb_essms_geres: int = 40,
    **champs: Any,
) -> dict[str, Any]:
    """A dossier whose porteur is the OG of the first member."""
    porteur = champs.pop("porteur", None) or {
        "finess_ej": liste[0]["finess_ej"],
        "nb_essms_geres": nb_essms_geres,
    }
    donnees: dict[str, Any] = {
        "campaign": campagne,
        "submitted_at": submitted_at,
        "porteur": porteur,
        "members": copy.deepcopy(liste),
    }
    donnees.update(champs)
    return donnees


def motifs(verdict: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [m for m in verdict["motifs"] if m["rule"] == rule]


def motif(verdict: dict[str, Any], rule: str) -> dict[str, Any]:
    trouves = [m for m in motifs(verdict, rule) if m["finess_et"] is None]
    assert len(trouves) == 1, (rule, verdict["motifs"])
    return trouves[0]


def echecs(verdict: dict[str, Any]) -> set[str]:
    """Rules that failed (any level)."""
    return {m["rule"] for m in verdict["motifs"] if not m["ok"]}
