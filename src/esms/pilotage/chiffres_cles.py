"""Public headline figures of the ESMS numérique programme, each with the public page that quotes it.

Transcribed from `esms_numerique_chiffres_cles.csv` of the shared data (figures quoted by public pages, not an
official dataset: check them against the official text before presenting them as authoritative). The product
ships them in code because it must run without the shared data folder; a test checks that they still agree
with that file.
"""

from __future__ import annotations

from dataclasses import dataclass

from esms.rules import load_campagne
from esms.rules.programme import cible_dui_actifs, cible_essms

ESANTE_SEGUR = "https://esante.gouv.fr/segur/medico-social"
ESANTE_SOCIAL = "https://esante.gouv.fr/social-et-medico-social-en-savoir-plus-sur-le-segur-du-numerique-en-sante"
ATLAS_2024 = "https://ehpadia.fr/ESMS-Numerique-les-enseignements-de-l-Atlas-2024_a1397.html"
INSTRUCTION_2024 = ("https://geroscopie.fr/mise-en-oeuvre-de-la-phase-de-generalisation-du-programme-esms-numerique"
                    "-2024-idm-58-ids-31991")
DIRECTIONS_2024 = ("https://directions.fr/Gerer/fonctionnement-structure/2024/2/"
                   "Que-prevoit-le-plan-numerique-en-2024--2059900W")
CNSA_AIDE = ("https://www.cnsa.fr/print/grands-chantiers/programme-esms-numerique/"
             "obtenir-une-aide-a-linvestissement-numerique")


@dataclass(frozen=True)
class ChiffreCle:
    indicateur: str
    valeur: float
    unite: str
    perimetre: str
    periode: str
    source: str
    remarque: str = ""


_M2024 = load_campagne("2024")


def _millions(montant: int | None) -> float:
    """A published amount of the rules in M€ (the 2024 amounts are all published)."""
    return (montant or 0) / 1_000_000

CHIFFRES_CLES: tuple[ChiffreCle, ...] = (
    ChiffreCle("Enveloppe Ségur numérique secteur social et médico-social", 600, "M€", "national", "2021-2025",
               ESANTE_SOCIAL),
    ChiffreCle("Enveloppe Ségur numérique secteur social et médico-social (SONS + ESMS numérique)", 630, "M€",
               "national", "2021-2025", ESANTE_SEGUR, "dont 405 M€ de soutien direct aux projets (Atlas 2024)"),
    ChiffreCle("Crédits dédiés au soutien direct aux projets", 405, "M€", "national", "2021-2025", ATLAS_2024),
    ChiffreCle("Objectif ESSMS embarqués fin 2025", cible_essms().valeur.valeur, "ESSMS", "national", "fin 2025",
               ATLAS_2024,
               "environ 36 500 ESSMS financés au travers de 1 400 projets"),
    ChiffreCle("Objectif nombre de projets fin 2025", 1400, "projets", "national", "fin 2025", ATLAS_2024),
    ChiffreCle("ESSMS bénéficiaires du programme ESMS numérique", 17000, "ESSMS", "national", "fin 2023",
               ESANTE_SEGUR),
    ChiffreCle("ESSMS bénéficiaires du dispositif SONS", 20000, "ESSMS", "national", "2024", ESANTE_SEGUR,
               "plus de 20 000"),
    ChiffreCle("Solutions DUI référencées Ségur vague 1", 59, "solutions", "national", "vague 1", ESANTE_SEGUR,
               "plus de 59 solutions référencées"),
    ChiffreCle("Objectif DUI actifs 2024 (conditionne les fonds européens)", cible_dui_actifs().valeur.valeur,
               "DUI actifs", "national",
               "2024", DIRECTIONS_2024),
    ChiffreCle("Enveloppe programme ESMS numérique 2024", _millions(_M2024.enveloppes.total.valeur), "M€",
               "national", "2024", INSTRUCTION_2024, "instruction DNS/DGCS/CNSA/2024/15 du 1er février 2024"),
    ChiffreCle("Dont délégué aux ARS (AAP régionaux) 2024", _millions(_M2024.enveloppes.regional.valeur), "M€",
               "ARS", "2024", INSTRUCTION_2024),
    ChiffreCle("Dont AAP national (DNS/CNSA) 2024", _millions(_M2024.enveloppes.appel_national.valeur), "M€",
               "national", "2024", INSTRUCTION_2024),
    # The same words as the rules (campaign 2024, texts of 2024): regional calls take grappes of 15 ESSMS or
    # more in one region, whatever their size; the national call, 50 ESSMS or more across several regions.
    # Names, periods and sources as in the shared public table; values and words from the rules (2024).
    ChiffreCle("Taille minimale d'un groupement (AAP régional)", _M2024.grappe.taille_min.valeur, "ESSMS", "région",
               "2022-2025", CNSA_AIDE,
               f"{_M2024.grappe.taille_min_corse_outre_mer.valeur} pour la Corse et les territoires ultramarins ; "
               "en 2024, « 15 ESSMS ou plus, situés dans une même région » relèvent de l'appel régional quelle que "
               "soit leur taille"),
    ChiffreCle("Seuil AAP national (groupement multirégional)", _M2024.grappe.seuil_national.valeur or 0, "ESSMS",
               "national", "2022-2025", INSTRUCTION_2024,
               "« 50 ESSMS ou plus, situés dans plusieurs régions » ; moins de 50 ESSMS situés dans plusieurs "
               "régions : appel régional (projet multirégional)"),
)
