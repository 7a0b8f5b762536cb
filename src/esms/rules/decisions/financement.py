"""Funding of a grappe, per member and in total, in whole euros.

Per eligible member (first occurrence of its ET, within the campaign's cap on funded ESSMS, in the order
of the dossier):
    montant = arrondi( (forfait[cas] + équipement) × part d'heures éligibles )
- forfait: `acquisition`, `usage` (existing DUI upgraded through SONS: usage funding only) or
  `mise_a_niveau`;
- équipement: only for a member whose OG is small (fewer than `petit_og.seuil_essms` ESSMS): the amount
  asked (`montant_equipement_demande`), capped at `equipement_plafond_par_essms`; the cap when nothing is
  asked (the rules give the maximum eligible amount);
- part d'heures éligibles: only for home-help services (confort activity excluded), else 1;
- arrondi: `euro_inferieur` (floor, never above a cap) or `euro_le_plus_proche` (half up).
Per project, when a member belongs to a small OG: `pilotage_par_projet` and `amoa_par_projet` if defined,
`marche_par_projet` if such a member acquires a new DUI.
An ineligible dossier gets 0 everywhere; `montant_si_eligible` / `total_si_eligible` keep the amounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

from esms.rules.decisions.membre import MembreEvalue
from esms.rules.modeles import Financement, FinancementMembre, Motif, PorteurInput, Verdict
from esms.rules.parametres import Campagne, Parametre
from esms.rules.trace import euros, jsonable, motif

UN = Decimal(1)
ARRONDIS = {"euro_inferieur": ROUND_FLOOR, "euro_le_plus_proche": ROUND_HALF_UP}


def taille_og(finess_ej: str, porteur: PorteurInput, organismes: Mapping[str, int]) -> int | None:
    """Number of ESSMS managed by an OG: the porteur's declaration, else the `organismes` list."""
    if finess_ej == porteur.finess_ej:
        return porteur.nb_essms_geres
    return organismes.get(finess_ej)


def appliquer_part(montant: int, part: Decimal, arrondi: str) -> int:
    if part >= UN:
        return montant
    return int((Decimal(montant) * part).to_integral_value(ARRONDIS[arrondi]))


def calculer_financement(
    evalues: Sequence[MembreEvalue],
    doublons: set[int],
    porteur: PorteurInput,
    organismes: Mapping[str, int],
    campagne: Campagne,
    dossier_eligible: bool,
) -> Verdict[Financement]:
    fin = campagne.financement
    petit = fin.petit_og
    plafond_nb = fin.nb_essms_finances_max.valeur
    seuil_petit = petit.seuil_essms.valeur
    plafond_eq = petit.equipement_plafond_par_essms.valeur
    prorata = fin.prorata_domicile.valeur
    arrondi = fin.arrondi.valeur
    utilises: dict[str, Parametre[Any]] = {fin.arrondi.nom: fin.arrondi}

    forfaits = {cas: fin.forfaits.pour(cas) for cas in ("acquisition", "usage", "mise_a_niveau")}
    cas_utilises: set[str] = set()
    comptes = 0
    hors_plafond = 0
    petit_og_present = False
    petit_og_acquisition = False
    lignes: list[tuple[str, int, dict[str, Any]]] = []
    for rang, evalue in enumerate(evalues):
        membre = evalue.membre
        detail: dict[str, Any] = {
            "cas": membre.cas,
            "secteur": evalue.categorie.secteur,
            "eligible": evalue.eligible,
        }
        montant = 0
        if rang in doublons:
            detail["eligible"] = False
            detail["motif"] = "établissement en double dans la grappe : compté une seule fois"
        elif not evalue.eligible:
            detail["motif"] = "ESSMS non éligible (voir les motifs du membre)"
        elif plafond_nb is not None and comptes >= plafond_nb:
            hors_plafond += 1
            detail["motif"] = f"au-delà des {plafond_nb} ESSMS financés par projet"
        else:
            comptes += 1
            parametre_forfait = forfaits[membre.cas]
            cas_utilises.add(membre.cas)
            forfait = parametre_forfait.valeur or 0
            taille = taille_og(membre.finess_ej, porteur, organismes)
            est_petit = taille is not None and taille < seuil_petit
            equipement = 0
            if est_petit and plafond_eq is not None:
                demande = membre.montant_equipement_demande
                equipement = plafond_eq if demande is None else min(demande, plafond_eq)
                petit_og_present = True
                petit_og_acquisition = petit_og_acquisition or membre.cas == "acquisition"
                utilises[petit.seuil_essms.nom] = petit.seuil_essms
                utilises[petit.equipement_plafond_par_essms.nom] = petit.equipement_plafond_par_essms
            elif membre.montant_equipement_demande:
                detail["equipement_note"] = "équipement réservé aux ESSMS des petits OG"
            part = UN
            if evalue.aide_a_domicile and prorata:
                part = membre.part_heures_eligibles
                utilises[fin.prorata_domicile.nom] = fin.prorata_domicile
            elif membre.part_heures_eligibles < UN:
                detail["part_heures_note"] = (
                    "part d'heures éligibles ignorée : réservée aux services d'aide à domicile"
                )
            montant = appliquer_part(forfait + equipement, part, arrondi)
            detail["forfait"] = forfait
            detail["equipement"] = equipement
            detail["petit_og"] = est_petit
            detail["taille_og"] = taille
            detail["part_heures_eligibles"] = 1 if part is UN else jsonable(part)
        detail["montant_si_eligible"] = montant
        lignes.append((membre.finess_et, montant, detail))

    for cas in sorted(cas_utilises):
        utilises[forfaits[cas].nom] = forfaits[cas]
    projet = {"marche": 0, "pilotage": 0, "amoa": 0}
    if petit_og_present:
        for cle, parametre in (("pilotage", petit.pilotage_par_projet), ("amoa", petit.amoa_par_projet)):
            if parametre.valeur is not None:
                projet[cle] = parametre.valeur
                utilises[parametre.nom] = parametre
    if petit_og_acquisition and petit.marche_par_projet.valeur is not None:
        projet["marche"] = petit.marche_par_projet.valeur
        utilises[petit.marche_par_projet.nom] = petit.marche_par_projet

    total_si = sum(montant for _, montant, _ in lignes) + sum(projet.values())
    par_membre = tuple(
        FinancementMembre(et, montant if dossier_eligible else 0, MappingProxyType(detail))
        for et, montant, detail in lignes
    )
    financement = Financement(
        total=total_si if dossier_eligible else 0,
        total_si_eligible=total_si,
        par_membre=par_membre,
        projet=MappingProxyType(projet if dossier_eligible else dict.fromkeys(projet, 0)),
    )

    motifs: list[Motif] = []
    extras = ", ".join(f"{cle} {euros(v)}" for cle, v in projet.items() if v)
    resume = f"{comptes} ESSMS financé(s) pour {euros(total_si)}" + (
        f" (dont forfaits projet : {extras})" if extras else ""
    )
    message = (
        f"Financement : {resume}."
        if dossier_eligible
        else f"Dossier non éligible : aucun financement (il aurait été de {euros(total_si)})."
    )
    motifs.append(motif("financement.calcul", True, message, utilises.values(), bloquant=False))
    if hors_plafond:
        message = (
            f"{comptes + hors_plafond} ESSMS éligibles : seuls les {plafond_nb} premiers du dossier sont financés "
            f"({hors_plafond} au-delà du plafond)."
        )
        motifs.append(
            motif("financement.plafond_essms", True, message, [fin.nb_essms_finances_max], bloquant=False)
        )
    return Verdict(True, financement, tuple(motifs))
