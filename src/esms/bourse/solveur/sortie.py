"""A `Resultat` as the JSON contract of `docs/bourse.md` (`docs/bourse.schema.json`, « sortie »)."""

from __future__ import annotations

from typing import Any

from esms.bourse.solveur.modeles import Instance, Proposition, Resultat

CHAMPS_VERDICT = (
    "campaign",
    "eligible",
    "appel",
    "region_pilote",
    "date_limite",
    "dans_les_delais",
    "nb_membres_eligibles",
)


def verdict_resume(verdict: dict[str, Any] | Any) -> dict[str, Any]:
    """The rules' verdict without the per-member detail: decision, call, and the dossier-level trace."""
    resume = {cle: verdict[cle] for cle in CHAMPS_VERDICT}
    resume["financement_total"] = verdict["financement"]["total"]
    resume["motifs"] = [
        {"rule": m["rule"], "ok": m["ok"], "message": m["message"]}
        for m in verdict["motifs"]
        if m["finess_et"] is None and m["bloquant"]
    ]
    return resume


def proposition_vers_dict(instance: Instance, proposition: Proposition) -> dict[str, Any]:
    return {
        "offre": proposition.offre.id if proposition.offre is not None else None,
        "porteur_suggere": proposition.porteur["finess_ej"],
        "solution_dui": proposition.solution_dui,
        "ajouts": [instance.demandes[i].finess_et for i in proposition.ajouts],
        "distance_km": round(proposition.distance_km, 3),
        "verdict": verdict_resume(proposition.verdict),
    }


def resultat_vers_dict(instance: Instance, resultat: Resultat) -> dict[str, Any]:
    return {
        "propositions": [proposition_vers_dict(instance, p) for p in resultat.propositions],
        "non_places": [instance.demandes[i].finess_et for i in resultat.non_places],
        "places": resultat.places,
        "optimal": resultat.optimal,
        "borne": resultat.borne,
        "moteur": resultat.moteur,
        "distance_totale_km": round(resultat.distance_km, 3),
    }
