"""Eligibility of one establishment (ESSMS) of a grappe.

Rules: FINESS number format and département; category eligible under art. L.312-1 CASF (USLD excluded);
home-help services with an eligible share of hours; no other EU funds; not already funded for a DUI;
a funding case (`cas`) that the campaign funds.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from esms.rules.categories import CategoryClass, classify, est_aide_a_domicile, est_usld
from esms.rules.finess import departement_du_numero, erreur_numero_finess
from esms.rules.modeles import MembreInput, Motif, Verdict
from esms.rules.parametres import Campagne
from esms.rules.trace import motif, pourcentage

SOURCE_FINESS = (
    "FAQ CNSA (un numéro FINESS géographique propre est requis) "
    "https://www.cnsa.fr/grands-chantiers/programme-esms-numerique/reponses-aux-questions-frequentes-sur-esms-numerique ; "
    "format FINESS (9 caractères, clé de Luhn)"
)
SOURCE_NON_REDONDANCE = (
    "https://www.paca.ars.sante.fr/appel-projets-programme-esms-numerique-phase-de-generalisation-1 ; "
    "http://financer-mon-ehpad.com/esms-numerique/"
)
UN = Decimal(1)
ZERO = Decimal(0)


class MembreEvalue(NamedTuple):
    """A member with what the rules found about it."""

    membre: MembreInput
    categorie: CategoryClass
    aide_a_domicile: bool
    eligible: bool


@lru_cache(maxsize=4096)
def normaliser_solution(nom: str) -> str:
    """Solution names are compared without case nor surrounding or repeated blanks."""
    return " ".join(nom.split()).casefold()


def controle_finess(membre: MembreInput) -> str | None:
    """French explanation of what is wrong with the member's FINESS ET number, or None."""
    erreur = erreur_numero_finess(membre.finess_et)
    if erreur is not None:
        return erreur
    departement = departement_du_numero(membre.finess_et)
    if departement != membre.departement:
        return (
            f"le numéro FINESS désigne le département {departement or 'inconnu'}, et non {membre.departement}"
        )
    return None


@lru_cache(maxsize=1024)
def infos_categorie(code: str) -> tuple[CategoryClass, bool, bool]:
    """Classification, USLD flag and home-help flag of a category (memoised)."""
    return classify(code), est_usld(code), est_aide_a_domicile(code)


def evaluer_membre(
    membre: MembreInput, campagne: Campagne, trace_complete: bool = False
) -> Verdict[MembreEvalue]:
    """Member-level rules. Failed motifs carry the member's `finess_et` and are not blocking."""
    et = membre.finess_et
    categorie, usld, aide_a_domicile = infos_categorie(membre.categorie)
    erreur = controle_finess(membre)
    if (
        not trace_complete
        and erreur is None
        and categorie.eligible
        and not usld
        and not membre.autres_fonds_ue
        and membre.deja_finance_pour is None
        and (membre.part_heures_eligibles >= UN or not aide_a_domicile)
        and campagne.financement.forfaits.pour(membre.cas).valeur is not None
    ):
        # Nothing to report: every member rule passes (same outcome as the detailed path below).
        return Verdict(True, MembreEvalue(membre, categorie, aide_a_domicile, True), ())
    motifs: list[Motif] = []

    if erreur is not None or trace_complete:
        message = f"FINESS {et} : {erreur}." if erreur else f"FINESS {et} : numéro bien formé."
        motifs.append(
            motif(
                "membre.finess", erreur is None, message, source=SOURCE_FINESS, finess_et=et, bloquant=False
            )
        )

    eligibilite = campagne.eligibilite
    if usld:
        exclue = eligibilite.usld_exclue.valeur
        motifs.append(
            motif(
                "membre.usld",
                not exclue,
                categorie.motif,
                [eligibilite.usld_exclue],
                source=categorie.source,
                finess_et=et,
                bloquant=False,
            )
        )
    elif not categorie.eligible or trace_complete:
        motifs.append(
            motif(
                "membre.categorie",
                categorie.eligible,
                categorie.motif,
                source=categorie.source,
                finess_et=et,
                bloquant=False,
            )
        )

    part = membre.part_heures_eligibles
    prorata = campagne.financement.prorata_domicile
    if aide_a_domicile and prorata.valeur and (part < UN or trace_complete):
        if part <= ZERO:
            message = "Service d'aide à domicile sans heure éligible (activité de confort seulement) : non finançable."
        else:
            message = f"Service d'aide à domicile : aide proratisée sur {pourcentage(part)} d'heures éligibles (hors confort)."
        motifs.append(motif("membre.domicile", part > ZERO, message, [prorata], finess_et=et, bloquant=False))

    fonds_ue = eligibilite.cumul_fonds_ue_interdit
    if (membre.autres_fonds_ue and fonds_ue.valeur) or trace_complete:
        refuse = membre.autres_fonds_ue and fonds_ue.valeur
        message = (
            "L'ESSMS déclare d'autres fonds européens (FEDER, FSE…) : cumul interdit."
            if refuse
            else "Pas d'autre financement européen déclaré."
        )
        motifs.append(motif("membre.fonds_ue", not refuse, message, [fonds_ue], finess_et=et, bloquant=False))

    if membre.deja_finance_pour is not None:
        if normaliser_solution(membre.deja_finance_pour) == normaliser_solution(membre.solution_dui):
            message = f"Déjà financé pour ce même logiciel (« {membre.deja_finance_pour} ») : pas de second financement."
        else:
            message = (
                f"Déjà financé pour un autre DUI (« {membre.deja_finance_pour} ») : un ESSMS ne peut être financé "
                "pour deux logiciels différents."
            )
        motifs.append(
            motif(
                "membre.deja_finance",
                False,
                message,
                source=SOURCE_NON_REDONDANCE,
                finess_et=et,
                bloquant=False,
            )
        )

    forfait = campagne.financement.forfaits.pour(membre.cas)
    if forfait.valeur is None or trace_complete:
        message = (
            f"Le cas « {membre.cas} » n'est pas financé par la campagne {campagne.code}."
            if forfait.valeur is None
            else f"Cas « {membre.cas} » financé par la campagne {campagne.code}."
        )
        motifs.append(
            motif("membre.cas", forfait.valeur is not None, message, [forfait], finess_et=et, bloquant=False)
        )

    eligible = all(m.ok for m in motifs)
    resultat = MembreEvalue(
        membre=membre, categorie=categorie, aide_a_domicile=aide_a_domicile, eligible=eligible
    )
    return Verdict(ok=eligible, valeur=resultat, motifs=tuple(motifs))
