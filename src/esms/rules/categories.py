"""FINESS category → eligibility to ESMS numérique and programme sector.

Public API (used by the référentiel importer): `classify(code, agr3=None, agr2=None, domaine=None)`
returns a frozen `CategoryClass(eligible, secteur, motif, source)`.

How the table is built
----------------------
- The categories, their labels, domains (SAN/SOC/ENS/ADM) and aggregates come from the FINESS
  nomenclature of the DREES (`nomenclature.py`, transcribed from `finess_nomenclature_categories_etab.csv`,
  flux cs1500106 of 2025-05-26).
- A category is eligible when it is a social or medico-social establishment or service of
  **art. L.312-1 CASF** (CNSA FAQ on ESMS numérique, citing instruction 2023/13 §II.B). The alinéa is
  recorded for each eligible aggregate or code below. Health (SAN), teaching (ENS) and administrative (ADM)
  categories are never eligible; the USLD (code 362, and the closed code 003, aggregate 1109 "Soins de
  longue durée") are excluded explicitly with their own motif (CNSA FAQ: "USLD exclues, même rattachées à
  un EHPAD").
- The sector of PA/PH categories agrees with the CNSA category table (`PAPS-CNSA/shiny-finess`,
  `corresp_categorie_complete.csv`, i.e. `cnsa_corresp_categories_esms.csv`); sectors AHI, PJM,
  protection de l'enfance, difficultés spécifiques follow esante.gouv.fr's sector list (PA, PH, DOM, PDE,
  PDS, AHI, PJM).
- Choices that are readings, not quotations, say so in their motif ("lecture retenue").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from esms.rules.nomenclature import PAR_CODE, CategorieFiness

SECTEUR_LIBELLES: dict[str, str] = {
    "personnes_agees": "personnes âgées",
    "handicap_adultes": "adultes en situation de handicap",
    "handicap_enfants": "enfants en situation de handicap",
    "domicile": "services à domicile",
    "protection_enfance": "protection de l'enfance",
    "ahi": "accueil, hébergement, insertion (AHI)",
    "pjm": "protection juridique des majeurs (PJM)",
    "difficultes_specifiques": "personnes confrontées à des difficultés spécifiques",
    "autre": "autre (hors champ du programme)",
}
SECTEURS: tuple[str, ...] = tuple(SECTEUR_LIBELLES)

SOURCE_NOMENCLATURE = (
    "Nomenclature FINESS des catégories d'établissements (DREES, flux cs1500106 du 26/05/2025)"
)
SOURCE_ELIGIBILITE = (
    "Art. L.312-1 CASF ; FAQ CNSA ESMS numérique (instruction 2023/13 §II.B) "
    "https://www.cnsa.fr/grands-chantiers/programme-esms-numerique/reponses-aux-questions-frequentes-sur-esms-numerique"
)
SOURCE_CNSA = "Table CNSA des catégories ESMS (PAPS-CNSA/shiny-finess, corresp_categorie_complete.csv)"
SOURCE_SECTEURS = (
    "https://esante.gouv.fr/social-et-medico-social-en-savoir-plus-sur-le-segur-du-numerique-en-sante"
)

CODES_USLD: frozenset[str] = frozenset({"362", "003"})
AGREGAT_USLD = "1109"

# Home-help services whose "confort" activity is not eligible: the aid is pro-rated on eligible hours
# (CNSA FAQ: L.312-1 I 6° and 7° services). SSIAD (354) gives nursing care only and is not pro-rated.
CATEGORIES_AIDE_A_DOMICILE: frozenset[str] = frozenset(
    {"460", "209", "208", "450", "397", "640", "346", "451"}
)


@dataclass(frozen=True, slots=True)
class CategoryClass:
    """Eligibility of one FINESS category to ESMS numérique, with its sector and a French explanation."""

    eligible: bool
    secteur: str
    motif: str
    source: str


class _Regle(NamedTuple):
    secteur: str
    alinea: str | None  # alinéa of art. L.312-1 CASF when eligible
    hors_champ: str | None = None  # why the category is outside L.312-1 when not eligible


def _eligible(secteur: str, alinea: str) -> _Regle:
    return _Regle(secteur, alinea)


def _exclue(secteur: str, raison: str) -> _Regle:
    return _Regle(secteur, None, raison)


_ENSEIGNEMENT = "classe ou établissement d'enseignement (Éducation nationale), hors art. L.312-1 CASF"
_LOGEMENT = "logement-foyer ou résidence sociale relevant du code de la construction et de l'habitation, hors art. L.312-1 CASF"
_IAE = "structure d'insertion par l'activité économique (code du travail), hors art. L.312-1 CASF"
_PETITE_ENFANCE = (
    "établissement d'accueil du jeune enfant (code de la santé publique), hors art. L.312-1 CASF"
)
_SERVICE_SOCIAL = "service social ou structure d'animation sociale, hors art. L.312-1 CASF"

# Default rule per level-3 aggregate of the SOC domain.
_PAR_AGREGAT: dict[str, _Regle] = {
    "4101": _eligible("handicap_enfants", "I 2°"),
    "4102": _eligible("handicap_enfants", "I 2°"),
    "4103": _eligible("handicap_enfants", "I 2°"),
    "4104": _eligible("handicap_enfants", "I 2°"),
    "4105": _eligible("handicap_enfants", "I 2°"),
    "4106": _eligible("handicap_enfants", "I 2°"),
    "4107": _eligible("handicap_enfants", "I 12°"),
    "4201": _exclue("autre", _ENSEIGNEMENT),
    "4202": _exclue("autre", _ENSEIGNEMENT),
    "4301": _eligible("handicap_adultes", "I 7°"),
    "4302": _eligible("handicap_adultes", "I 5° a"),
    "4303": _eligible("handicap_adultes", "I 5° b"),
    "4304": _eligible("handicap_adultes", "I 12°"),
    "4305": _eligible("handicap_adultes", "I 7°"),
    "4401": _eligible("personnes_agees", "I 6°"),
    "4402": _eligible("personnes_agees", "I 6°"),
    "4403": _eligible("personnes_agees", "I 6°"),
    "4404": _eligible("personnes_agees", "I 12°"),
    "4501": _eligible("protection_enfance", "I 1°"),
    "4502": _eligible("protection_enfance", "I 4°"),
    "4504": _eligible("protection_enfance", "I 1° et 4°"),
    "4505": _eligible("protection_enfance", "I 12°"),
    "4601": _eligible("ahi", "I 8°"),
    "4602": _exclue("ahi", _LOGEMENT),
    "4603": _eligible("ahi", "I 12°"),
    "4604": _eligible("difficultes_specifiques", "I 9°"),
    "4605": _eligible("domicile", "I 6° et 7°"),
    "4606": _eligible("handicap_adultes", "I 11°"),
    "4607": _exclue("ahi", _LOGEMENT),
    "4608": _eligible("pjm", "I 14°"),
    "4609": _eligible("handicap_adultes", "I 7°"),
    "5101": _exclue("autre", _PETITE_ENFANCE),
    "5102": _eligible("protection_enfance", "I 1°"),
    "5103": _exclue("autre", "centre de loisirs ou de vacances, hors art. L.312-1 CASF"),
    "5104": _exclue("autre", _SERVICE_SOCIAL),
}

# Exceptions to the aggregate's rule, code by code.
_PAR_CODE: dict[str, _Regle] = {
    # 4106: CMPP and CAMSP are named by L.312-1 I 3°.
    "189": _eligible("handicap_enfants", "I 3°"),
    "190": _eligible("handicap_enfants", "I 3°"),
    # 4301: holidays for disabled adults are not an ESSMS.
    "251": _exclue("handicap_adultes", "séjours de vacances adaptées, hors art. L.312-1 CASF"),
    # 4302: the entreprise adaptée is governed by the code du travail (art. L.5213-13).
    "247": _exclue(
        "handicap_adultes",
        "entreprise adaptée relevant du code du travail (art. L.5213-13), hors art. L.312-1 CASF",
    ),
    # 4303: EPSR were job-placement teams (code du travail).
    "343": _exclue(
        "handicap_adultes", "équipe de placement relevant du code du travail, hors art. L.312-1 CASF"
    ),
    # 4305: home help for disabled adults is a home service.
    "397": _eligible("domicile", "I 7°"),
    # 4403: social services for the elderly that are not ESSMS.
    "205": _exclue("personnes_agees", "foyer-restaurant, hors art. L.312-1 CASF"),
    "212": _exclue("personnes_agees", "téléassistance, hors art. L.312-1 CASF"),
    "368": _exclue("personnes_agees", "portage de repas, hors art. L.312-1 CASF (lecture retenue)"),
    # 4504: prevention and child-protection assessment are I 1°, judicial measures I 4°, the délégué aux
    # prestations familiales I 15°.
    "286": _eligible("protection_enfance", "I 1°"),
    "643": _eligible("protection_enfance", "I 1°"),
    "644": _eligible("protection_enfance", "I 1°"),
    "418": _eligible("protection_enfance", "I 4°"),
    "453": _eligible("protection_enfance", "I 4°"),
    "344": _eligible("protection_enfance", "I 15°"),
    # 4601: CADA are L.312-1 I 13°; housing and IAE structures are not ESSMS; home help to families is I 16°.
    "443": _eligible("ahi", "I 13°"),
    "215": _exclue("ahi", _LOGEMENT),
    "216": _exclue("ahi", _LOGEMENT),
    "217": _exclue("ahi", _LOGEMENT),
    "420": _exclue("ahi", _IAE),
    "447": _exclue("ahi", _IAE),
    "452": _exclue("ahi", _IAE),
    "640": _eligible("domicile", "I 16°"),
    # 4602: the foyer de jeunes travailleurs is L.312-1 I 10°; traveller sites and hospital hostels are not ESSMS.
    "257": _eligible("ahi", "I 10°"),
    "218": _exclue("ahi", "aire d'accueil des gens du voyage (loi n° 2000-614), hors art. L.312-1 CASF"),
    "271": _exclue("ahi", "maison d'accueil hospitalière, hors art. L.312-1 CASF"),
    # 4605: lieux de vie et d'accueil (L.312-1 III), mostly children placed by the ASE (lecture retenue).
    "462": _eligible("protection_enfance", "III"),
    # 4606: CLIC are a PA resource centre (CNSA table); the MDPH is a GIP (art. L.146-4), not an ESSMS.
    "463": _eligible("personnes_agees", "I 11°"),
    "609": _exclue(
        "autre",
        "maison départementale des personnes handicapées (GIP, art. L.146-4 CASF), hors art. L.312-1 CASF",
    ),
    # 4608: MASP are administrative measures of the département (art. L.271-1), not judicial protection;
    # the information service for family guardians is art. L.215-4.
    "341": _exclue(
        "pjm",
        "mesure d'accompagnement social personnalisé (art. L.271-1 CASF), hors art. L.312-1 I 14° (lecture retenue)",
    ),
    "342": _exclue(
        "pjm", "information et soutien des tuteurs familiaux (art. L.215-4 CASF), hors art. L.312-1 CASF"
    ),
    # 5104: former guardianship of social benefits (now MJPM / DPF) and home help to families.
    "345": _eligible("pjm", "I 14°"),
    "346": _eligible("domicile", "I 16°"),
    "451": _eligible("domicile", "I 16°"),
}

_DOMAINE_LIBELLES: dict[str, str] = {
    "SAN": "établissement du domaine sanitaire",
    "ENS": "établissement de formation",
    "ADM": "établissement d'administration",
}


def _motif_nomenclature(categorie: CategorieFiness) -> str:
    texte = f"Catégorie FINESS {categorie.code} ({categorie.libelle})"
    return texte


def _fermeture(categorie: CategorieFiness) -> str:
    if categorie.date_fin:
        return f" Catégorie fermée dans la nomenclature depuis le {categorie.date_fin}."
    return ""


def _classer_connue(categorie: CategorieFiness) -> CategoryClass:
    nom = _motif_nomenclature(categorie)
    if categorie.code in CODES_USLD or categorie.agr3 == AGREGAT_USLD:
        return CategoryClass(
            eligible=False,
            secteur="autre",
            motif=(
                f"{nom} : unité de soins de longue durée (USLD), relevant du secteur sanitaire ; "
                "exclue d'ESMS numérique, même rattachée à un EHPAD."
            ),
            source=f"{SOURCE_ELIGIBILITE} ; {SOURCE_NOMENCLATURE}",
        )
    if categorie.domaine != "SOC":
        nature = _DOMAINE_LIBELLES.get(categorie.domaine, f"domaine {categorie.domaine}")
        return CategoryClass(
            eligible=False,
            secteur="autre",
            motif=f"{nom} : {nature}, hors art. L.312-1 CASF ; non éligible à ESMS numérique.",
            source=f"{SOURCE_ELIGIBILITE} ; {SOURCE_NOMENCLATURE}",
        )
    regle = _PAR_CODE.get(categorie.code) or _PAR_AGREGAT.get(categorie.agr3)
    if regle is None:
        return CategoryClass(
            eligible=False,
            secteur="autre",
            motif=f"{nom} : agrégat {categorie.agr3} sans règle d'éligibilité ; non éligible par défaut.",
            source=SOURCE_NOMENCLATURE,
        )
    libelle_secteur = SECTEUR_LIBELLES[regle.secteur]
    if regle.alinea is not None:
        return CategoryClass(
            eligible=True,
            secteur=regle.secteur,
            motif=(
                f"{nom} : établissement ou service social ou médico-social relevant de l'art. L.312-1 "
                f"{regle.alinea} CASF, secteur « {libelle_secteur} ».{_fermeture(categorie)}"
            ),
            source=f"{SOURCE_ELIGIBILITE} ; {SOURCE_NOMENCLATURE} ; {SOURCE_CNSA}",
        )
    return CategoryClass(
        eligible=False,
        secteur=regle.secteur,
        motif=f"{nom} : {regle.hors_champ} ; non éligible à ESMS numérique.{_fermeture(categorie)}",
        source=f"{SOURCE_ELIGIBILITE} ; {SOURCE_NOMENCLATURE}",
    )


_TABLE: dict[str, CategoryClass] = {code: _classer_connue(categorie) for code, categorie in PAR_CODE.items()}


def normaliser_code(code: str) -> str:
    """Return the 3-character FINESS category code ("62" → "062"), stripped of blanks."""
    texte = str(code).strip()
    if texte.isdigit() and len(texte) < 3:
        return texte.zfill(3)
    return texte


def _classer_inconnue(code: str, agr3: str | None, agr2: str | None, domaine: str | None) -> CategoryClass:
    indices: list[str] = []
    if domaine:
        indices.append(f"domaine {domaine.strip()}")
    if agr3:
        indices.append(f"agrégat {agr3.strip()}")
    elif agr2:
        indices.append(f"agrégat {agr2.strip()}")
    complement = f" (déclarée : {', '.join(indices)} ; à vérifier manuellement)" if indices else ""
    return CategoryClass(
        eligible=False,
        secteur="autre",
        motif=(
            f"Catégorie FINESS {code or '(vide)'} inconnue de la nomenclature{complement} : "
            "éligibilité non déterminable, non éligible par défaut."
        ),
        source=SOURCE_NOMENCLATURE,
    )


def classify(
    code: str,
    agr3: str | None = None,
    agr2: str | None = None,
    domaine: str | None = None,
) -> CategoryClass:
    """Classify a FINESS establishment category.

    `code` is looked up in the nomenclature; `agr3`, `agr2` and `domaine` (as read from a FINESS file)
    only enrich the motif of a code the nomenclature does not know, which is never eligible.
    """
    connu = _TABLE.get(code)
    if connu is not None:
        return connu
    normalise = normaliser_code(code)
    connu = _TABLE.get(normalise)
    if connu is not None:
        return connu
    return _classer_inconnue(normalise, agr3, agr2, domaine)


def est_usld(code: str) -> bool:
    """True for a USLD category (unité de soins de longue durée)."""
    return (code if len(code) == 3 else normaliser_code(code)) in CODES_USLD


def est_aide_a_domicile(code: str) -> bool:
    """True for a home-help service whose aid is pro-rated on eligible hours."""
    return (code if len(code) == 3 else normaliser_code(code)) in CATEGORIES_AIDE_A_DOMICILE


def libelle_categorie(code: str) -> str | None:
    """Label of a FINESS category, or None when the code is unknown."""
    categorie = PAR_CODE.get(normaliser_code(code))
    return categorie.libelle if categorie else None
