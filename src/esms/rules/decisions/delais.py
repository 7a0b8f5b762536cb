"""Was the dossier filed in time for its call?

A call is open from 00:00:00 of its opening date to 23:59:59 of its closing date, in the campaign's time
zone (Europe/Paris): the closing date is inclusive, and any instant before the next midnight is in time
(23:59:59.999 included). Filing before the opening is refused too. Summer and winter time are handled by
`zoneinfo`, so "23:59:59 on 15 September" is 21:59:59 UTC and "23:59:59 on 15 December" 22:59:59 UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from esms.rules.decisions.routage import LIBELLES_APPEL
from esms.rules.modeles import Verdict
from esms.rules.parametres import Campagne
from esms.rules.trace import date_fr, instant_fr, motif

DERNIERE_SECONDE = time(23, 59, 59)


@dataclass(frozen=True, slots=True)
class Delai:
    date_limite: date | None
    cloture: datetime | None
    dans_les_delais: bool


@lru_cache(maxsize=16)
def fuseau(nom: str) -> ZoneInfo:
    return ZoneInfo(nom)


def verifier_delais(submitted_at: datetime, appel: str, campagne: Campagne) -> Verdict[Delai]:
    """`submitted_at` must be timezone-aware."""
    calendrier = campagne.calendrier
    fenetre = calendrier.fenetre(appel)
    libelle = LIBELLES_APPEL[appel]
    ouverture, cloture = fenetre.ouverture.valeur, fenetre.cloture.valeur
    parametres = [fenetre.ouvert, fenetre.ouverture, fenetre.cloture, calendrier.fuseau_horaire]
    if not fenetre.ouvert.valeur or ouverture is None or cloture is None:
        message = f"La campagne {campagne.code} n'a pas d'appel {libelle}."
        return Verdict(False, Delai(None, None, False), (motif("delais.depot", False, message, parametres),))
    tz = fuseau(calendrier.fuseau_horaire.valeur)
    debut = datetime.combine(ouverture, time(0), tz)
    fin_exclue = datetime.combine(cloture + timedelta(days=1), time(0), tz)
    fin = datetime.combine(cloture, DERNIERE_SECONDE, tz)
    local = submitted_at.astimezone(tz)
    depot = (
        f"Dépôt le {instant_fr(local)} (heure de Paris)"
        if calendrier.fuseau_horaire.valeur == "Europe/Paris"
        else (f"Dépôt le {instant_fr(local)} ({calendrier.fuseau_horaire.valeur})")
    )
    if submitted_at < debut:
        ok = False
        message = f"{depot}, avant l'ouverture de l'appel {libelle} le {date_fr(ouverture)}."
    elif submitted_at >= fin_exclue:
        ok = False
        message = f"{depot}, après la clôture de l'appel {libelle} le {instant_fr(fin)}."
    else:
        ok = True
        message = f"{depot}, dans les délais de l'appel {libelle} (clôture le {instant_fr(fin)})."
    return Verdict(ok, Delai(cloture, fin, ok), (motif("delais.depot", ok, message, parametres),))
