"""Programme-wide facts (national targets, required documents) as dated campaign parameters.

The targets are stated once, in `programme` of the campaign files (inherited campaign to campaign); the
platform reads them here, from the latest campaign, never from a constant of its own.
"""

from __future__ import annotations

from esms.rules.chargement import CODES_CAMPAGNES, load_campagne
from esms.rules.parametres import Cible, Parametre


def cible_dui_actifs() -> Parametre[Cible]:
    """410 000 active DUIs at the end of 2024 (text 000), with its source."""
    return load_campagne(CODES_CAMPAGNES[-1]).programme.cible_dui_actifs


def cible_essms() -> Parametre[Cible]:
    """36 500 ESSMS embarked at the end of 2025 (CNSA, Atlas 2024), with its source."""
    return load_campagne(CODES_CAMPAGNES[-1]).programme.cible_essms


def libelle_cible(parametre: Parametre[Cible]) -> str:
    """« 410 000 DUI actifs fin 2024 »."""
    cible = parametre.valeur
    return f"{cible.valeur:,} {cible.unite} fin {cible.echeance.year}".replace(",", " ")
