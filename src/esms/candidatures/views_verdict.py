"""The rules verdict as the pages show it: evaluated live for a draft (never breaking the page when the
rules cannot answer), or frozen at filing; with French labels for the call, the lead region and dates."""

from __future__ import annotations

from datetime import date, datetime

from esms.candidatures.models import Dossier
from esms.referentiel.models import Region


def _date(valeur) -> date | datetime | str | None:
    if not isinstance(valeur, str):
        return valeur
    try:
        return datetime.fromisoformat(valeur) if "T" in valeur else date.fromisoformat(valeur)
    except ValueError:
        return valeur


def presenter(verdict: dict | None) -> dict | None:
    """The verdict with display values added (`appel_libelle`, `region_nom`, `date_limite_affichee`)."""
    if not verdict:
        return None
    appel = verdict.get("appel")
    region = verdict.get("region_pilote")
    return {
        **verdict,
        "appel_libelle": Dossier.Appel(appel).label if appel in Dossier.Appel.values else (appel or "—"),
        "region_nom": (Region.objects.filter(pk=region).values_list("nom", flat=True).first() or region) if region
        else "—",
        "date_limite_affichee": _date(verdict.get("date_limite")),
    }


def financement_par_membre(verdict: dict | None) -> dict[str, dict]:
    if not verdict:
        return {}
    return {m["finess_et"]: m for m in (verdict.get("financement") or {}).get("par_membre", [])}
