"""Every parameter cites a public reference or says « Hypothèse : » (and stays « à confirmer »); no
internal note, issue number or bare IP address; campaign files inherit and state only what changes."""

from __future__ import annotations

import re
from datetime import date

import pytest

from esms.rules import (
    CODES_CAMPAGNES,
    ParametresInvalides,
    campagne_from_dict,
    campagne_to_dict,
    load_campagne,
)
from esms.rules.chargement import donnees_campagne, fichier_campagne, parametres
from esms.rules.parametres import A_CONFIRMER, Parametre

INTERDITS = re.compile(r"programme-rules\.md|§\s*\d|issue\s*#|#\d+\b|https?://\d+\.\d+\.\d+\.\d+|Convention du projet")
ADRESSE = re.compile(r"https?://[a-z][a-z0-9.-]*\.[a-z]{2,}", re.I)
TEXTE_OFFICIEL = re.compile(r"(?i)(instruction|circulaire|arrêté|décision)[^;]*n°|Instruction 20\d\d/\d+|Art\. L\.\d")


def citable_ou_hypothese(parametre: Parametre[object]) -> str | None:
    """None when the parameter's source is acceptable, else why not."""
    source = parametre.source
    if INTERDITS.search(source):
        return f"référence interne ou adresse IP : {INTERDITS.search(source).group(0)}"  # type: ignore[union-attr]
    if source.startswith("Hypothèse : "):
        if len(source) < 40:
            return "hypothèse sans raison"
        return None if parametre.statut == A_CONFIRMER else "une hypothèse reste « à confirmer »"
    if not (ADRESSE.search(source) or TEXTE_OFFICIEL.search(source)):
        return "ni adresse publique ni numéro de texte officiel"
    return None


@pytest.mark.parametrize("code", CODES_CAMPAGNES)
@pytest.mark.parametrize("jour", [date.min, None])
def test_chaque_parametre_cite_une_source_publique_ou_une_hypothese(code: str, jour: date | None) -> None:
    fautes = {p.nom: raison for p in parametres(load_campagne(code, jour)) if (raison := citable_ou_hypothese(p))}
    assert not fautes, fautes


@pytest.mark.parametrize(
    ("source", "statut"),
    [
        ("programme-rules.md §4.2 (montants non trouvés)", "à confirmer"),
        ("Convention du projet (issue #3)", "à confirmer"),
        ("FAQ CNSA http://160.92.125.40/grands-chantiers/programme-esms-numerique", "confirmé"),
        ("DSIH 5042", "confirmé"),
        ("Hypothèse : valeur d'exemple faute de texte publié sur ce point.", "confirmé"),
        ("Hypothèse : x", "à confirmer"),
    ],
)
def test_le_controle_refuse_une_source_non_citable(source: str, statut: str) -> None:
    assert citable_ou_hypothese(Parametre("x", 1, source, statut)) is not None


def test_le_controle_accepte_une_source_citable() -> None:
    assert citable_ou_hypothese(Parametre("x", 1, "Instruction n° DGCS/DNS/CNSA/2023/13 du 16 janvier 2023", "confirmé")) is None
    assert citable_ou_hypothese(Parametre("x", 1, "ARS de Corse https://www.corse.ars.sante.fr/", "confirmé")) is None
    raison = "Hypothèse : aucun texte ne fixe cette valeur ; valeur d'exemple."
    assert citable_ou_hypothese(Parametre("x", 1, raison, "à confirmer")) is None


# --- inheritance (point 10) ----------------------------------------------------------------------------


def _nb_feuilles(noeud: object) -> int:
    if isinstance(noeud, dict):
        return 1 if "valeur" in noeud else sum(_nb_feuilles(v) for v in noeud.values())
    return 0


@pytest.mark.parametrize(
    ("code", "parent"), [("2021-2", "2021-1"), ("2022", "2021-2"), ("2023", "2022"), ("2024", "2023"), ("2025", "2024")]
)
def test_une_campagne_ne_dit_que_ce_qui_change(code: str, parent: str) -> None:
    fichier = fichier_campagne(code)
    assert fichier["herite_de"] == parent
    complet = donnees_campagne(code)
    assert "herite_de" not in complet
    # The file states fewer leaves than the resolved set: the rest comes from the parent.
    assert _nb_feuilles(fichier) < _nb_feuilles(complet)
    assert campagne_from_dict(complet) == load_campagne(code)


def test_heritage_resolu_valeur_du_parent_et_valeur_propre() -> None:
    assert "usld_exclue" not in fichier_campagne("2024").get("eligibilite", {})
    assert load_campagne("2024").eligibilite.usld_exclue.valeur is True
    assert load_campagne("2024").calendrier.national.cloture.valeur == date(2024, 6, 1)
    assert load_campagne("2023").calendrier.national.cloture.valeur == date(2023, 6, 15)


def test_le_jeu_resolu_est_valide_entier() -> None:
    donnees = campagne_to_dict(load_campagne("2024"))
    del donnees["programme"]["cible_essms"]
    with pytest.raises(ParametresInvalides, match="programme.cible_essms : paramètre manquant"):
        campagne_from_dict(donnees)
