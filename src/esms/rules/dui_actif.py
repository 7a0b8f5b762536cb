"""The « DUI actif » definition and the check of a declared figure against the evidence (pure rules).

A DUI (one pseudonymised user file of one establishment) is **active** at the end of a period when it
received at least `ecritures_min` writes (events of type « creation » or « mise_a_jour ») during the
window made of the last `fenetre_jours` days of the period (the window starts at the period's start
when the period is shorter). Days are calendar days in Europe/Paris: the window and the period are
half-open intervals of instants `[début 00:00, fin + 1 jour 00:00)` in that time zone.

Both numbers are campaign parameters (`usage.dui_actif`, statut « à confirmer »: the programme never
published the definition); a caller may override them (e.g. the CLI's `--min-ecritures`), and the
verdict says which value was used and where it comes from.

The declared number of active DUIs is compared with the number recomputed from the evidence: a gap is
flagged for the ARS when `|déclaré − recalculé| / max(recalculé, 1)` exceeds the tolerance
(campaign parameter `usage.tolerance_ecart`, « à confirmer »; `TOLERANCE_ECART` is the latest campaign's). The figure retained once the ARS validates is the proven one:
the smaller of the declared and recomputed figures when evidence exists, else the declared one.

This module computes nothing over events: it only says *what* to count. The SQL that counts lives in
`esms.usages.preuves.requete` and takes a `DefinitionDuiActif`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from esms.rules.erreurs import RulesInputError
from esms.rules.modeles import Motif, Verdict
from esms.rules.parametres import Campagne, Parametre
from esms.rules.trace import motif

PARIS = ZoneInfo("Europe/Paris")
TYPES_ECRITURE: tuple[str, ...] = ("creation", "mise_a_jour")
TYPES_EVENEMENT: tuple[str, ...] = (*TYPES_ECRITURE, "consultation")
DUREE_MAX_PERIODE_JOURS = 366

def tolerance_ecart(campagne: Campagne | None = None) -> Parametre[Decimal]:
    """The gap tolerance parameter (`usage.tolerance_ecart`) of a campaign, by default the latest one."""
    if campagne is None:
        from esms.rules.chargement import CODES_CAMPAGNES, load_campagne

        campagne = load_campagne(CODES_CAMPAGNES[-1])
    return campagne.usage.tolerance_ecart


TOLERANCE_ECART: Parametre[Decimal] = tolerance_ecart()


@dataclass(frozen=True, slots=True)
class DefinitionDuiActif:
    """What to count over a period: writes in the window, at least `ecritures_min` of them."""

    debut: date
    fin: date
    ecritures_min: int
    fenetre_jours: int

    @property
    def fenetre_debut(self) -> date:
        return max(self.debut, self.fin - timedelta(days=self.fenetre_jours - 1))

    @property
    def instant_debut(self) -> datetime:
        return datetime.combine(self.debut, time(0), tzinfo=PARIS)

    @property
    def instant_fin(self) -> datetime:
        """Exclusive end: the day after `fin`, 00:00 Paris time."""
        return datetime.combine(self.fin + timedelta(days=1), time(0), tzinfo=PARIS)

    @property
    def instant_fenetre(self) -> datetime:
        return datetime.combine(self.fenetre_debut, time(0), tzinfo=PARIS)


def definition_dui_actif(
    campagne: Campagne,
    debut: date,
    fin: date,
    *,
    ecritures_min: int | None = None,
    fenetre_jours: int | None = None,
) -> Verdict[DefinitionDuiActif]:
    """The definition in force for the period (campaign values unless overridden), with its trace.

    Raises `RulesInputError` (French messages) for an empty or too long period or non-positive numbers."""
    params = campagne.usage.dui_actif
    minimum = params.ecritures_min.valeur if ecritures_min is None else ecritures_min
    fenetre = params.fenetre_jours.valeur if fenetre_jours is None else fenetre_jours
    erreurs = []
    if fin < debut:
        erreurs.append(f"période : la fin ({fin:%d/%m/%Y}) précède le début ({debut:%d/%m/%Y})")
    elif (fin - debut).days + 1 > DUREE_MAX_PERIODE_JOURS:
        erreurs.append(f"période : {DUREE_MAX_PERIODE_JOURS} jours au plus")
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        erreurs.append("ecritures_min : nombre entier supérieur ou égal à 1 attendu")
    if isinstance(fenetre, bool) or not isinstance(fenetre, int) or fenetre < 1:
        erreurs.append("fenetre_jours : nombre entier supérieur ou égal à 1 attendu")
    if erreurs:
        raise RulesInputError(erreurs)
    definition = DefinitionDuiActif(debut, fin, minimum, fenetre)
    sources = []
    if ecritures_min is None:
        sources.append(params.ecritures_min)
    if fenetre_jours is None:
        sources.append(params.fenetre_jours)
    surcharge = [
        f"{nom} = {valeur}"
        for nom, valeur, defaut in (
            ("ecritures_min", minimum, ecritures_min is None),
            ("fenetre_jours", fenetre, fenetre_jours is None),
        )
        if not defaut
    ]
    message = (
        f"DUI actif : au moins {minimum} écriture(s) (création ou mise à jour) entre le "
        f"{definition.fenetre_debut:%d/%m/%Y} et le {fin:%d/%m/%Y} (fenêtre de {fenetre} jours)."
    )
    if surcharge:
        message += f" Valeurs imposées par l'appelant : {', '.join(surcharge)}."
    motifs: tuple[Motif, ...] = (motif("usage.dui_actif", True, message, sources, bloquant=False),)
    return Verdict(True, definition, motifs)


@dataclass(frozen=True, slots=True)
class Ecart:
    """Declared vs recomputed number of active DUIs for one establishment and period."""

    declare: int | None
    recalcule: int | None
    ecart: int | None
    ecart_relatif: Decimal | None
    signale: bool
    message: str


def comparer(declare: int | None, recalcule: int | None, tolerance: Decimal | None = None) -> Ecart:
    """Flag the gap when it exceeds the tolerance, or when one of the two figures is missing."""
    seuil = TOLERANCE_ECART.valeur if tolerance is None else tolerance
    if declare is None and recalcule is None:
        return Ecart(None, None, None, None, True, "Ni déclaration ni preuve.")
    if recalcule is None:
        return Ecart(declare, None, None, None, True, "Nombre déclaré sans preuve déposée pour la période.")
    if declare is None:
        return Ecart(
            None, recalcule, None, None, True, "Preuve déposée mais aucun nombre déclaré pour la période."
        )
    ecart = declare - recalcule
    relatif = (Decimal(abs(ecart)) / Decimal(max(recalcule, 1))).quantize(Decimal("0.0001"))
    signale = relatif > seuil
    pourcent = f"{relatif * 100:.1f}".replace(".", ",")
    tolere = f"{seuil * 100:.1f}".replace(".", ",")
    if signale:
        sens = "supérieur" if ecart > 0 else "inférieur"
        message = f"Déclaré {sens} de {abs(ecart)} au nombre prouvé ({pourcent} % > tolérance de {tolere} %)."
    else:
        message = f"Écart de {pourcent} % dans la tolérance de {tolere} %."
    return Ecart(declare, recalcule, ecart, relatif, signale, message)


def dui_actifs_retenus(declare: int | None, recalcule: int | None) -> int | None:
    """The figure retained at validation: the proven one (never more than declared) when evidence exists."""
    if recalcule is None:
        return declare
    if declare is None:
        return recalcule
    return min(declare, recalcule)


def motif_de_validation(ecarts: dict[str, Ecart], motif_ars: str, tolerance: Parametre[Decimal]) -> Verdict[None]:
    """Validating usage while a declared figure exceeds the tolerance against the proven one needs the ARS's
    written reason; the trace names each establishment over the tolerance and the tolerance applied. (A figure
    missing on one side is flagged on the page but is not a gap over the tolerance.)"""
    signales = {finess: e for finess, e in sorted(ecarts.items()) if e.signale and e.ecart_relatif is not None}
    if not signales:
        return Verdict(True, None, (motif("usage.validation_ecarts", True, "Aucun écart au-delà de la tolérance.",
                                          (tolerance,)),))
    if motif_ars.strip():
        message = f"{len(signales)} écart(s) au-delà de la tolérance, validé(s) avec le motif de l'ARS."
        return Verdict(True, None, (motif("usage.validation_ecarts", True, message, (tolerance,)),))
    motifs = tuple(motif("usage.validation_ecarts", False, f"{finess} : {e.message}", (tolerance,), finess_et=finess)
                   for finess, e in signales.items())
    tolere = f"{tolerance.valeur * 100:.1f}".replace(".", ",")
    titre = motif("usage.validation_ecarts", False,
                  f"{len(signales)} écart(s) entre le nombre de DUI actifs déclaré et le nombre prouvé dépassent la "
                  f"tolérance de {tolere} % : indiquez dans le champ « Motif » pourquoi vous validez malgré tout.",
                  (tolerance,))
    return Verdict(False, None, (titre, *motifs))
