"""What an aggregate holds, for one perimeter (national or a region) and campagne filter: every figure the
dashboards, the public statistics and the REST API show (`donnees`, from the selectors, made JSON-safe), and the
pages laid out from them (`pages`: sections with their charts already drawn, see `pilotage.pages`).

`calculer` is the one place these are computed (by the recomputation task, `esms pilotage recalculer` and the
demo builders); pages and API only read the stored result (`pilotage.rafraichir.lire`). To add a figure: compute
it in `donnees_du_perimetre` (bump `FORMAT`), then lay out its section in `tableaux_de_bord` or its answer in the API.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from esms.pilotage import selectors, selectors_sons

# Bump when the structure of `calculer`'s result changes: older rows are then recomputed before being shown.
FORMAT = 2


def _json(valeur: Any) -> Any:
    """Decimals as numbers (integers when whole), dates as ISO strings, containers recursively."""
    if isinstance(valeur, dict):
        return {str(k) if k is not None else "": _json(v) for k, v in valeur.items()}
    if isinstance(valeur, list | tuple):
        return [_json(v) for v in valeur]
    if isinstance(valeur, Decimal):
        return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)
    if isinstance(valeur, datetime | date):
        return valeur.isoformat()
    return valeur


def calculer(*, region: str | None = None, campagne: str | None = None) -> dict:
    """The figures and the laid-out pages of the perimeter (region code, None = national) for the campagne filter
    (None = all). The public statistics page is laid out from the national figures only."""
    from esms.pilotage import pages, tableaux_de_bord

    donnees = donnees_du_perimetre(region=region, campagne=campagne)
    return {"donnees": donnees, "pages": {
        "tableau_de_bord": pages.vers_json(tableaux_de_bord.tableau_de_bord(donnees, region=region)),
        "statistiques": (pages.vers_json(tableaux_de_bord.statistiques_publiques(donnees))
                         if region is None else None)}}


def donnees_du_perimetre(*, region: str | None, campagne: str | None) -> dict:
    """Every figure of the perimeter, JSON-safe."""
    national = region is None
    perim = {"region": region, "campagne": campagne}
    contenu = {
        "geographie": selectors.geographie(),
        "indicateurs": selectors.indicateurs_cles(**perim),
        "regions": selectors.couverture(par="region", **perim),
        "departements": selectors.couverture(par="departement", **perim),
        "enveloppes": selectors.enveloppes_par_region(**perim),
        "etats": selectors.dossiers_par_etat_et_appel(**perim),
        "secteurs": selectors.secteurs_embarques(**perim),
        "tailles_grappes": selectors.tailles_grappes(**perim),
        "tailles_organismes": selectors.tailles_organismes(**perim),
        "evolution": selectors.evolution_mensuelle(**perim),
        "sons": {
            "par_region": selectors_sons.couverture_sons(par="region") if national else None,
            "par_secteur": selectors_sons.couverture_sons(par="secteur", region=region),
            "parts": selectors_sons.parts_solutions(**perim),
            "sans_projet": selectors_sons.sons_sans_projet(region=region),
        },
        "rapprochement": selectors.rapprochement_budgetaire(campagne=campagne) if national else None,
        "dui_regions": selectors.dui_actifs_par(par="region", region=region),
        "dui_secteurs": selectors.dui_actifs_par(par="secteur", region=region),
        "eligibles": selectors.eligibles_par_region_et_secteur() if national else None,
    }
    return _json(contenu)
