"""Which call a grappe goes to, and its lead region (région pilote).

Routing counts only the members that are ESSMS under art. L.312-1 CASF (a USLD, a hospital or any
category outside L.312-1 neither changes the call nor the deadline; the trace says which members do not
count and why), never the declared list:
- ≥ `seuil_national` ESSMS over several regions (or in one region when `appel_grappe_mono_regionale`
  is "national") → national call, when the campaign has one;
- several regions otherwise → multi-regional call when the campaign has one, else the regional call of
  the lead region;
- else → regional call.

Lead region: the porteur's choice among its members' regions when the campaign lets it choose
(`grappe.ars_pilote_au_choix`, 2024: multi-regional projects are filed « auprès d'une ARS »); by default,
and when it may not choose, the region with most ESSMS. Ties are broken by the porteur's region (`porteur.region`,
or else the region where most of the porteur's own establishments are), when it is among the tied
regions; otherwise by the smallest INSEE region code. For the national call the CNSA designates the
lead ARS: the computed region is then only a proposal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from esms.rules.decisions.membre import infos_categorie
from esms.rules.geographie import REGIONS, cle_tri_region
from esms.rules.modeles import MembreInput, PorteurInput, Verdict
from esms.rules.parametres import Campagne
from esms.rules.trace import motif

LIBELLES_APPEL = {"regional": "régional", "multiregional": "multirégional", "national": "national"}
SOURCE_PILOTE = (
    "airmes https://airmes.eu/?p=6667 (projet multirégional déposé auprès de l'ARS de la région comptant le plus d'ESMS) ; "
    "DSIH 4522 http://www.dsih.fr/article/4522/financements-du-segur-les-premiers-credits-esms-numerique.html "
    "(ARS référente désignée par la CNSA pour l'appel national)"
)
SOURCE_ESSMS = (
    "Art. L.312-1 CASF ; ARS de Corse, « Généralisation du programme ESMS numérique – année 2022 » (« Tous les ESSMS "
    "mentionnés à l'article L.312-1 du CASF sont éligibles ») ; CNSA, FAQ (USLD exclues, secteur sanitaire) "
    "https://www.cnsa.fr/grands-chantiers/programme-esms-numerique/reponses-aux-questions-frequentes-sur-esms-numerique"
)


@dataclass(frozen=True, slots=True)
class Routage:
    appel: str
    region_pilote: str | None
    nb_essms: int
    regions: tuple[str, ...]
    region_pilote_par_defaut: str | None = None
    non_comptes: tuple[str, ...] = ()


def est_essms(membre: MembreInput) -> tuple[bool, str]:
    """Whether a member counts as an ESSMS under art. L.312-1 CASF for routing, and why not."""
    return categorie_essms(membre.categorie)


def categorie_essms(code: str) -> tuple[bool, str]:
    """Whether a FINESS category is an ESSMS under art. L.312-1 CASF (USLD excluded), and why not."""
    categorie, usld, _ = infos_categorie(code)
    if usld:
        return False, "USLD, secteur sanitaire (hors art. L.312-1 CASF)"
    if not categorie.eligible:
        return False, categorie.motif
    return True, ""


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
    declares: Sequence[MembreInput],
    porteur: PorteurInput,
    campagne: Campagne,
    appel_demande: str | None = None,
    region_choisie: str | None = None,
) -> Verdict[Routage]:
    """Route the grappe on its distinct ESSMS members and check the call it was filed to, if any."""
    membres = []
    exclus = []
    for membre in declares:
        compte, raison = est_essms(membre)
        if compte:
            membres.append(membre)
        else:
            exclus.append(f"{membre.finess_et} ({raison})")
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
    motifs = [motif("appel.routage", ok, message, parametres)]
    if exclus:
        motifs.append(
            motif(
                "appel.membres_comptes",
                True,
                f"{len(exclus)} membre(s) déclaré(s) ne compte(nt) ni pour l'appel, ni pour la date limite, ni pour "
                f"la région pilote, faute d'être un ESSMS de l'art. L.312-1 CASF : {', '.join(exclus[:10])}"
                + (f" et {len(exclus) - 10} autre(s)." if len(exclus) > 10 else "."),
                source=SOURCE_ESSMS,
                bloquant=False,
            )
        )
    defaut, explication = region_pilote(membres, porteur)
    pilote = defaut
    au_choix = campagne.grappe.ars_pilote_au_choix
    pilote_ok = True
    if region_choisie is not None:
        nom = REGIONS.get
        if not au_choix.valeur:
            explication += (
                f" Choix du porteur ({region_choisie}) non retenu : la campagne {campagne.code} désigne la région "
                "comptant le plus d'ESSMS."
            )
        elif region_choisie not in regions:
            pilote_ok = False
            explication = (
                f"Région pilote choisie par le porteur : {region_choisie} ({nom(region_choisie, region_choisie)}), "
                f"qui n'est la région d'aucun ESSMS de la grappe ({', '.join(regions) or 'aucune'}). "
                f"Par défaut : {explication}"
            )
        else:
            pilote = region_choisie
            explication = (
                f"Région pilote choisie par le porteur : {region_choisie} ({nom(region_choisie, region_choisie)}). "
                f"Par défaut, elle aurait été : {explication}"
            )
    elif au_choix.valeur and len(regions) > 1:
        explication = f"Région pilote par défaut (le porteur peut choisir une autre région de ses membres) : {explication}"
    if appel == "national" and pilote is not None:
        explication += " Pour l'appel national, l'ARS référente est désignée par la CNSA : cette région est une proposition."
    motifs.append(
        motif(
            "appel.region_pilote",
            pilote_ok,
            explication,
            [au_choix],
            source=SOURCE_PILOTE,
            bloquant=not pilote_ok,
        )
    )
    routage = Routage(appel, pilote, nb, regions, defaut, tuple(exclus))
    return Verdict(ok and pilote_ok, routage, tuple(motifs))
