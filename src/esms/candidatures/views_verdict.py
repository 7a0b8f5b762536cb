"""The rules verdict as the pages show it: evaluated live for a draft (never breaking the page when the
rules cannot answer), or frozen at filing; with French labels for the call, the lead region and dates."""

from __future__ import annotations

from datetime import date, datetime

from esms.candidatures.models import Dossier
from esms.referentiel.selectors import nom_de_region
from esms.rules.sortie import REGLES_INFORMATIVES


def _date(valeur) -> date | datetime | str | None:
    if not isinstance(valeur, str):
        return valeur
    try:
        return datetime.fromisoformat(valeur) if "T" in valeur else date.fromisoformat(valeur)
    except ValueError:
        return valeur


def statut(motif: dict) -> str:
    """How a trace entry is shown: « ok » (rule met), « ko » (not met), « reserve » (left to the ARS) or
    « info » (an amount or a count, not a check: never shown as « respectée »)."""
    if motif.get("rule") in REGLES_INFORMATIVES:
        return "info"
    if str(motif.get("rule", "")).endswith("_reserve"):
        return "reserve"
    return "ok" if motif.get("ok") else "ko"


def bandeau(verdict: dict, non_respectees: int) -> dict:
    """The verdict's banner: green only when every rule passes."""
    if not verdict.get("eligible"):
        titre = "Grappe non recevable" + ("" if verdict.get("dans_les_delais") else " — hors délais")
        return {"niveau": "error", "titre": titre, "detail": "Corrigez les règles marquées ✗ ci-dessous."}
    if non_respectees:
        return {"niveau": "warning", "titre": f"Grappe recevable, mais {non_respectees} règle(s) non respectée(s)",
                "detail": "Les établissements concernés ne comptent ni dans la grappe ni dans le financement : "
                          "voir les règles marquées ✗ ci-dessous."}
    return {"niveau": "success", "titre": "Grappe recevable", "detail": "Toutes les règles sont respectées."}


def raisons_par_membre(verdict: dict | None) -> dict[str, list[str]]:
    """For each member that does not count, the messages of the rules it fails."""
    raisons: dict[str, list[str]] = {}
    for motif in (verdict or {}).get("motifs", []):
        if motif.get("finess_et") and statut(motif) == "ko":
            raisons.setdefault(motif["finess_et"], []).append(motif["message"])
    return raisons


def presenter(verdict: dict | None) -> dict | None:
    """The verdict with display values added (`appel_libelle`, `region_nom`, `date_limite_affichee`, each
    motif's `statut`, the `bandeau`)."""
    if not verdict:
        return None
    appel = verdict.get("appel")
    region = verdict.get("region_pilote")
    motifs = [{**m, "statut": statut(m)} for m in verdict.get("motifs", [])]
    non_respectees = sum(1 for m in motifs if m["statut"] == "ko")
    return {
        **verdict,
        "motifs": motifs,
        "non_respectees": non_respectees,
        "bandeau": bandeau(verdict, non_respectees),
        "appel_libelle": Dossier.Appel(appel).label if appel in Dossier.Appel.values else (appel or "—"),
        "region_nom": (nom_de_region(region) or region) if region
        else "—",
        "date_limite_affichee": _date(verdict.get("date_limite")),
    }


def financement_par_membre(verdict: dict | None) -> dict[str, dict]:
    if not verdict:
        return {}
    return {m["finess_et"]: m for m in (verdict.get("financement") or {}).get("par_membre", [])}
