"""Ségur referencing of a DUI solution: the sectors a referencing covers, and whether a solution of the
register is referenced for a member's sector at a date (derived, never declared by the porteur).

The register (Django app `referencement`) stores, per solution, its wave, corridor, sectors, referencing
date and status; it hands this module a plain `SolutionReferencee` and gets back a verdict with its
French explanation, which the grappe rules put in the trace.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from esms.rules.categories import SECTEUR_LIBELLES

SOURCE_REFERENCEMENT = (
    "Instruction DGCS/DNS/CNSA/2023/13 du 16 janvier 2023 (Direction[s] n° 217, mars 2023 : « les ESSMS "
    "doivent avoir recours à une solution référencée Ségur », exception des ESSMS de GHT dont l'éditeur est "
    "référencé dans le couloir hospitalier) ; "
    "https://esante.gouv.fr/social-et-medico-social-en-savoir-plus-sur-le-segur-du-numerique-en-sante"
)

COULOIRS: dict[str, str] = {
    "medico_social": "couloir médico-social (DUI ESMS)",
    "hospitalier": "couloir hospitalier (exception GHT)",
}
VAGUES: dict[int, str] = {1: "vague 1", 2: "vague 2"}

# Sector of a referencing (as the ANS lists and esante.gouv.fr name them) → programme sectors of
# `categories.SECTEUR_LIBELLES`. "handicap" covers adults and children alike.
SECTEURS_REFERENCEMENT: dict[str, tuple[str, ...]] = {
    "personnes_agees": ("personnes_agees",),
    "handicap": ("handicap_adultes", "handicap_enfants"),
    "handicap_adultes": ("handicap_adultes",),
    "handicap_enfants": ("handicap_enfants",),
    "domicile": ("domicile",),
    "protection_enfance": ("protection_enfance",),
    "ahi": ("ahi",),
    "pjm": ("pjm",),
    "difficultes_specifiques": ("difficultes_specifiques",),
}

# Spellings accepted in a spreadsheet cell (compared without accents, case nor punctuation).
_ALIAS: dict[str, str] = {
    "pa": "personnes_agees",
    "personnes agees": "personnes_agees",
    "ph": "handicap",
    "handicap": "handicap",
    "personnes handicapees": "handicap",
    "personnes en situation de handicap": "handicap",
    "handicap adultes": "handicap_adultes",
    "handicap enfants": "handicap_enfants",
    "dom": "domicile",
    "domicile": "domicile",
    "services a domicile": "domicile",
    "pde": "protection_enfance",
    "protection de l enfance": "protection_enfance",
    "protection enfance": "protection_enfance",
    "ahi": "ahi",
    "accueil hebergement insertion": "ahi",
    "pjm": "pjm",
    "protection juridique des majeurs": "pjm",
    "pds": "difficultes_specifiques",
    "difficultes specifiques": "difficultes_specifiques",
}


def _cle(texte: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    propre = "".join(c if c.isalnum() else " " for c in sans_accents.casefold())
    return " ".join(propre.split())


def secteurs_de(libelle: str) -> tuple[str, ...] | None:
    """Programme sectors covered by one sector name of a referencing list (None: unknown name)."""
    cle = _cle(libelle)
    code = _ALIAS.get(cle) or (cle.replace(" ", "_") if cle.replace(" ", "_") in SECTEURS_REFERENCEMENT else None)
    return SECTEURS_REFERENCEMENT[code] if code else None


def libelle_secteur(code: str) -> str:
    return SECTEUR_LIBELLES.get(code, code)


@dataclass(frozen=True, slots=True)
class SolutionReferencee:
    """One entry of the register, as the rules need it."""

    editeur: str
    nom: str
    version: str
    vague: int
    couloir: str  # key of COULOIRS
    secteurs: tuple[str, ...]  # programme sector codes
    date_referencement: date
    date_retrait: date | None = None

    @property
    def libelle(self) -> str:
        return f"{self.nom} {self.version} ({self.editeur})".replace("  ", " ")


@dataclass(frozen=True, slots=True)
class Referencement:
    referencee: bool
    message: str


def referencement_au(solution: SolutionReferencee | None, secteur: str, au: date) -> Referencement:
    """Whether `solution` is Ségur-referenced for an ESSMS of `secteur` on `au`, and why. A hospital-corridor
    referencing counts here; whether the campaign admits it (GHT members only) is the software rule's call."""
    if solution is None:
        return Referencement(False, "solution absente du registre des solutions référencées Ségur")
    quoi = f"« {solution.libelle} »"
    if solution.date_referencement > au:
        return Referencement(
            False, f"{quoi} n'est référencée qu'à partir du {solution.date_referencement:%d/%m/%Y} "
            f"(date retenue : {au:%d/%m/%Y})"
        )
    if solution.date_retrait is not None and solution.date_retrait <= au:
        return Referencement(False, f"{quoi} a été retirée du référencement le {solution.date_retrait:%d/%m/%Y}")
    if solution.couloir == "hospitalier":
        return Referencement(
            True, f"{quoi} est référencée dans le couloir hospitalier depuis le "
            f"{solution.date_referencement:%d/%m/%Y} (admis pour les seuls ESSMS de GHT, selon la campagne)"
        )
    if secteur not in solution.secteurs:
        couverts = ", ".join(libelle_secteur(s) for s in solution.secteurs) or "aucun secteur"
        return Referencement(
            False, f"{quoi} n'est pas référencée pour le secteur {libelle_secteur(secteur)} (couvre : {couverts})"
        )
    return Referencement(
        True, f"{quoi} est référencée Ségur ({VAGUES.get(solution.vague, solution.vague)}, depuis le "
        f"{solution.date_referencement:%d/%m/%Y}) pour le secteur {libelle_secteur(secteur)}"
    )
