"""Which call a grappe goes to, and its lead region (région pilote).

Routing depends only on the number of distinct ESSMS declared and on their regions:
- ≥ `seuil_national` ESSMS over several regions (or in one region when `appel_grappe_mono_regionale`
  is "national") → national call, when the campaign has one;
- several regions otherwise → multi-regional call when the campaign has one, else the regional call of
  the lead region;
- else → regional call.

Lead region: the region with most members. Ties are broken by the porteur's region (`porteur.region`,
or else the region where most of the porteur's own establishments are), when it is among the tied
regions; otherwise by the smallest INSEE region code. For the national call the CNSA designates the
lead ARS: the computed region is then only a proposal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from esms.rules.geographie import REGIONS, cle_tri_region
from esms.rules.modeles import MembreInput, PorteurInput, Verdict
from esms.rules.parametres import Campagne
from esms.rules.trace import motif

LIBELLES_APPEL = {"regional": "régional", "multiregional": "multirégional", "national": "national"}
SOURCE_PILOTE = (
    "airmes https://airmes.eu/?p=6667 (projet multirégional déposé auprès de l'ARS de la région comptant le plus d'ESMS) ; "
    "DSIH 4522 (ARS référente désignée par la CNSA pour l'appel national)"
)


@dataclass(frozen=True, slots=True)
class Routage:
    appel: str
    region_pilote: str | None
    nb_essms: int
    regions: tuple[str, ...]


def appel_attendu(nb_essms: int, nb_regions: int, campagne: Campagne) -> str:
    """The call a grappe of `nb_essms` distinct ESSMS over `nb_regions` regions belongs to."""
    grappe, calendrier = campagne.grappe, campagne.calendrier
    seuil = grappe.seuil_national.valeur
    multi = nb_regions > 1
    if (
        seuil is not None
        and nb_essms >= seuil
        and calendrier.national.ouvert.valeur
        and (multi or grappe.appel_grappe_mono_regionale.valeur == "national")
    ):
        return "national"
    if multi and calendrier.multiregional.ouvert.valeur:
        return "multiregional"
    return "regional"


def region_du_porteur(membres: Sequence[MembreInput], porteur: PorteurInput) -> str | None:
    """The porteur's declared region, else the region of most of its own members (smallest code on ties)."""
    if porteur.region:
        return porteur.region
    siens = Counter(m.region for m in membres if m.finess_ej == porteur.finess_ej)
    if not siens:
        return None
    maximum = max(siens.values())
    return min((r for r, n in siens.items() if n == maximum), key=cle_tri_region)


def region_pilote(membres: Sequence[MembreInput], porteur: PorteurInput) -> tuple[str | None, str]:
    """Lead region and the French explanation of how it was chosen."""
    par_region = Counter(m.region for m in membres)
    if not par_region:
        return None, "Aucun membre : pas de région pilote."
    maximum = max(par_region.values())
    ex_aequo = sorted((r for r, n in par_region.items() if n == maximum), key=cle_tri_region)
    nom = REGIONS.get
    if len(ex_aequo) == 1:
        choisie = ex_aequo[0]
        return (
            choisie,
            f"Région pilote {choisie} ({nom(choisie, choisie)}) : {maximum} ESSMS, le plus grand nombre.",
        )
    du_porteur = region_du_porteur(membres, porteur)
    liste = ", ".join(ex_aequo)
    if du_porteur in ex_aequo:
        assert du_porteur is not None
        return du_porteur, (
            f"Régions à égalité ({liste}, {maximum} ESSMS chacune) : région du porteur retenue, "
            f"{du_porteur} ({nom(du_porteur, du_porteur)})."
        )
    choisie = ex_aequo[0]
    return choisie, (
        f"Régions à égalité ({liste}, {maximum} ESSMS chacune), porteur hors de ces régions : plus petit code INSEE "
        f"retenu, {choisie} ({nom(choisie, choisie)})."
    )


def router(
    membres: Sequence[MembreInput],
    porteur: PorteurInput,
    campagne: Campagne,
    appel_demande: str | None = None,
) -> Verdict[Routage]:
    """Route the grappe (distinct declared members) and check the call it was filed to, if any."""
    regions = tuple(sorted({m.region for m in membres}, key=cle_tri_region))
    nb = len(membres)
    appel = appel_attendu(nb, len(regions), campagne)
    grappe, calendrier = campagne.grappe, campagne.calendrier
    parametres = [
        grappe.seuil_national,
        grappe.appel_grappe_mono_regionale,
        calendrier.national.ouvert,
        calendrier.multiregional.ouvert,
    ]
    repartition = f"{nb} ESSMS dans {len(regions)} région(s) ({', '.join(regions)})"
    message = f"Appel {LIBELLES_APPEL[appel]} : {repartition}."
    ok = True
    if appel_demande is not None and appel_demande != appel:
        ok = False
        message = (
            f"Le dossier est déposé à l'appel {LIBELLES_APPEL.get(appel_demande, appel_demande)} mais relève de "
            f"l'appel {LIBELLES_APPEL[appel]} ({repartition})."
        )
    pilote, explication = region_pilote(membres, porteur)
    motifs = (
        motif("appel.routage", ok, message, parametres),
        motif("appel.region_pilote", True, explication, source=SOURCE_PILOTE, bloquant=False),
    )
    return Verdict(ok, Routage(appel, pilote, nb, regions), motifs)
