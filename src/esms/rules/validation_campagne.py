"""Consistency checks across the parameters of one campaign (after each leaf was validated alone)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from esms.rules.parametres import APPELS, Campagne


def _calendrier(campagne: Campagne) -> list[str]:
    erreurs = []
    try:
        ZoneInfo(campagne.calendrier.fuseau_horaire.valeur)
    except (ZoneInfoNotFoundError, ValueError):
        erreurs.append(
            f"calendrier.fuseau_horaire : fuseau horaire « {campagne.calendrier.fuseau_horaire.valeur} » inconnu"
        )
    if not campagne.calendrier.regional.ouvert.valeur:
        erreurs.append("calendrier.regional.ouvert : chaque campagne a un appel régional")
    for appel in APPELS:
        fenetre = campagne.calendrier.fenetre(appel)
        if not fenetre.ouvert.valeur:
            continue
        ouverture, cloture = fenetre.ouverture.valeur, fenetre.cloture.valeur
        if ouverture is None:
            erreurs.append(f"calendrier.{appel}.ouverture : date requise pour un appel ouvert")
        if cloture is None:
            erreurs.append(f"calendrier.{appel}.cloture : date requise pour un appel ouvert")
        if ouverture is not None and cloture is not None and cloture < ouverture:
            erreurs.append(
                f"calendrier.{appel}.cloture : la clôture ({cloture}) précède l'ouverture ({ouverture})"
            )
    return erreurs


def _grappe(campagne: Campagne) -> list[str]:
    grappe = campagne.grappe
    erreurs = []
    if grappe.taille_min_corse_outre_mer.valeur > grappe.taille_min.valeur:
        erreurs.append("grappe.taille_min_corse_outre_mer : ne peut dépasser grappe.taille_min")
    seuil = grappe.seuil_national.valeur
    if seuil is not None and seuil <= grappe.taille_min.valeur:
        erreurs.append("grappe.seuil_national : doit dépasser grappe.taille_min")
    if seuil is None and campagne.calendrier.national.ouvert.valeur:
        erreurs.append("grappe.seuil_national : requis quand un appel national est ouvert")
    if grappe.nb_og_min_corse_outre_mer.valeur is not None and grappe.nb_og_min.valeur is None:
        erreurs.append("grappe.nb_og_min_corse_outre_mer : requiert grappe.nb_og_min")
    return erreurs


def _eligibilite_usage(campagne: Campagne) -> list[str]:
    erreurs = []
    eligibilite = campagne.eligibilite
    if (eligibilite.categories_prioritaires.valeur is None) != (
        eligibilite.part_max_hors_priorite.valeur is None
    ):
        erreurs.append(
            "eligibilite.part_max_hors_priorite : à renseigner avec eligibilite.categories_prioritaires (ou aucun des deux)"
        )
    for rang, exemption in enumerate(campagne.usage.exemptions.valeur):
        for code in exemption.indicateurs:
            if code not in campagne.usage.indicateurs:
                erreurs.append(
                    f"usage.exemptions[{rang}] : indicateur « {code} » absent de usage.indicateurs"
                )
    forfaits = campagne.financement.forfaits
    if all(forfaits.pour(cas).valeur is None for cas in ("acquisition", "usage", "mise_a_niveau")):
        erreurs.append("financement.forfaits : au moins un forfait doit être défini")
    return erreurs


def coherence(campagne: Campagne) -> list[str]:
    """Located French errors; empty when the campaign is consistent."""
    return [*_calendrier(campagne), *_grappe(campagne), *_eligibilite_usage(campagne)]
