"""Was the dossier filed in time for its call, in which selection window, and may a decision still commit
the credits?

A call is open from 00:00:00 of its opening date to 23:59:59 of its closing date, in the time zone of the
ARS (`calendrier.fuseaux_par_region`, else the campaign's, Europe/Paris): the closing date is inclusive,
and any instant before the next midnight is in time (23:59:59.999 included). Filing before the opening is
refused too. Summer and winter time are handled by `zoneinfo`, so "23:59:59 on 15 September" is 21:59:59
UTC and "23:59:59 on 15 December" 22:59:59 UTC.

Each ARS runs its own regional call: for the regional and multi-regional calls, the lead region's own
dates and windows (`calendrier.par_region`) replace the national ones where they are set (the Corse call
of 2022 opened on 18/03/2022, four days after the national date). A dossier belongs to the selection
window it was filed in (`calendrier.fenetres_selection`, or the region's own windows); without windows,
the whole call is one window.

Commitment (`calendrier.engagement_avant`): a decision to retain must be taken strictly before that date
(2022: « avant le 30 décembre 2022 », so 29/12/2022 23:59:59 is the last instant).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from esms.rules.decisions.routage import LIBELLES_APPEL
from esms.rules.modeles import Verdict
from esms.rules.parametres import Campagne, FenetreSelection, Parametre
from esms.rules.trace import date_fr, instant_fr, motif

DERNIERE_SECONDE = time(23, 59, 59)


@dataclass(frozen=True, slots=True)
class Delai:
    date_limite: date | None
    cloture: datetime | None
    dans_les_delais: bool
    ouverture: date | None = None
    fenetre: FenetreSelection | None = None


@lru_cache(maxsize=16)
def fuseau(nom: str) -> ZoneInfo:
    return ZoneInfo(nom)


@dataclass(frozen=True, slots=True)
class CalendrierApplicable:
    """The dates that apply to one call in one region, with the parameters they come from."""

    ouvert: bool
    ouverture: date | None
    cloture: date | None
    fenetres: tuple[FenetreSelection, ...]
    fuseau: str
    parametres: tuple[Parametre[object], ...]
    region_propre: bool


def calendrier_applicable(campagne: Campagne, appel: str, region: str | None) -> CalendrierApplicable:
    """National dates of the call, replaced by the region's own where its ARS set them."""
    calendrier = campagne.calendrier
    fenetre = calendrier.fenetre(appel)
    ouverture, cloture = fenetre.ouverture.valeur, fenetre.cloture.valeur
    fenetres = calendrier.fenetres_selection.valeur.get(appel, ())
    parametres: list[Parametre[object]] = [fenetre.ouvert, fenetre.ouverture, fenetre.cloture]
    if fenetres:
        parametres.append(calendrier.fenetres_selection)
    propre = False
    regional = calendrier.par_region.get(region) if region is not None and appel != "national" else None
    if regional is not None and appel in regional.valeur:
        propre_appel = regional.valeur[appel]
        ouverture = propre_appel.ouverture or ouverture
        cloture = propre_appel.cloture or cloture
        fenetres = propre_appel.fenetres or fenetres
        parametres.append(regional)
        propre = True
    tz = calendrier.fuseau(region)
    parametres.append(calendrier.fuseau_horaire)
    if region is not None and region in calendrier.fuseaux_par_region.valeur:
        parametres.append(calendrier.fuseaux_par_region)
    return CalendrierApplicable(
        fenetre.ouvert.valeur, ouverture, cloture, tuple(fenetres), tz, tuple(parametres), propre
    )


def _heure(tz: str) -> str:
    return "heure de Paris" if tz == "Europe/Paris" else tz


def fenetre_du_depot(fenetres: tuple[FenetreSelection, ...], jour: date) -> FenetreSelection | None:
    return next((f for f in fenetres if f.debut <= jour <= f.fin), None)


def verifier_delais(
    submitted_at: datetime, appel: str, campagne: Campagne, region: str | None = None
) -> Verdict[Delai]:
    """`submitted_at` must be timezone-aware; `region` is the lead region (its ARS's calendar applies)."""
    libelle = LIBELLES_APPEL[appel]
    cal = calendrier_applicable(campagne, appel, region)
    ouverture, cloture = cal.ouverture, cal.cloture
    if not cal.ouvert or ouverture is None or cloture is None:
        message = f"La campagne {campagne.code} n'a pas d'appel {libelle}."
        return Verdict(
            False, Delai(None, None, False), (motif("delais.depot", False, message, cal.parametres),)
        )
    tz = fuseau(cal.fuseau)
    debut = datetime.combine(ouverture, time(0), tz)
    fin_exclue = datetime.combine(cloture + timedelta(days=1), time(0), tz)
    fin = datetime.combine(cloture, DERNIERE_SECONDE, tz)
    local = submitted_at.astimezone(tz)
    depot = f"Dépôt le {instant_fr(local)} ({_heure(cal.fuseau)})"
    appel_de = f"l'appel {libelle}" + (f" de l'ARS {region}" if cal.region_propre else "")
    fenetre = None
    if submitted_at < debut:
        ok = False
        message = f"{depot}, avant l'ouverture de {appel_de} le {date_fr(ouverture)} : dépôt prématuré."
    elif submitted_at >= fin_exclue:
        ok = False
        message = f"{depot}, après la clôture de {appel_de} le {instant_fr(fin)}."
    else:
        ok = True
        message = f"{depot}, dans les délais de {appel_de} (clôture le {instant_fr(fin)})."
        fenetre = fenetre_du_depot(cal.fenetres, local.date())
        if fenetre is not None:
            message += (
                f" Fenêtre de sélection : {fenetre.libelle} (du {date_fr(fenetre.debut)} au {date_fr(fenetre.fin)})."
            )
    delai = Delai(cloture, fin, ok, ouverture, fenetre)
    return Verdict(ok, delai, (motif("delais.depot", ok, message, cal.parametres),))


def limite_engagement(campagne: Campagne, region: str | None = None) -> datetime | None:
    """First instant at which a decision to retain can no longer commit the campaign's credits."""
    avant = campagne.calendrier.engagement_avant.valeur
    if avant is None:
        return None
    return datetime.combine(avant, time(0), fuseau(campagne.calendrier.fuseau(region)))


def verifier_engagement(decide_le: datetime, campagne: Campagne, region: str | None = None) -> Verdict[bool]:
    """A decision to retain must be taken strictly before `calendrier.engagement_avant` (aware datetime)."""
    parametre = campagne.calendrier.engagement_avant
    limite = limite_engagement(campagne, region)
    tz = campagne.calendrier.fuseau(region)
    if limite is None:
        message = f"Aucune date limite d'engagement des crédits pour la campagne {campagne.code}."
        return Verdict(True, True, (motif("engagement.date_limite", True, message, [parametre]),))
    derniere = limite - timedelta(seconds=1)
    local = decide_le.astimezone(fuseau(tz))
    ok = decide_le < limite
    if ok:
        message = (
            f"Décision le {instant_fr(local)} ({_heure(tz)}), avant la date limite d'engagement "
            f"(dernier instant : {instant_fr(derniere)})."
        )
    else:
        message = (
            f"Décision le {instant_fr(local)} ({_heure(tz)}) : l'engagement des crédits de la campagne "
            f"{campagne.code} devait intervenir avant le {date_fr(limite.date())} (dernier instant : "
            f"{instant_fr(derniere)}). Le dossier ne peut plus être retenu sur cette campagne."
        )
    return Verdict(ok, ok, (motif("engagement.date_limite", ok, message, [parametre]),))


def depot_possible(campagne: Campagne, le: date) -> bool:
    """May a grappe still be filed in one of the campaign's calls on `le` (a region's own closing date included)?
    A closed campaign is not offered when a porteur creates a grappe."""
    for appel in ("regional", "multiregional", "national"):
        fenetre = campagne.calendrier.fenetre(appel)
        if not fenetre.ouvert.valeur:
            continue
        clotures = [fenetre.cloture.valeur]
        for regional in campagne.calendrier.par_region.values():
            propre = regional.valeur.get(appel)
            if propre is not None and propre.cloture is not None:
                clotures.append(propre.cloture)
        if any(cloture is None or cloture >= le for cloture in clotures):
            return True
    return False
