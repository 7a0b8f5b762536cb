"""FINESS number checks used by the importer (esms.rules.finess) and the Corsican key rule found in the data."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esms.referentiel.importer.format_commun import VerificateurNumeros, incoherence_departement
from esms.rules.finess import cle_luhn_valide, erreur_numero_finess
from tests.referentiel.generateur import cle_luhn, numero

PREFIXES = [f"{d:02d}" for d in range(1, 96) if d != 20]


@given(prefixe=st.sampled_from(PREFIXES), sequence=st.integers(min_value=0, max_value=999_999))
def test_un_numero_avec_sa_cle_est_valide(prefixe, sequence):
    assert erreur_numero_finess(numero(prefixe, sequence)) is None


@given(prefixe=st.sampled_from(PREFIXES), sequence=st.integers(min_value=0, max_value=999_999),
       rang=st.integers(min_value=0, max_value=8), decalage=st.integers(min_value=1, max_value=9))
def test_changer_un_chiffre_invalide_la_cle(prefixe, sequence, rang, decalage):
    valide = numero(prefixe, sequence)
    chiffre = str((int(valide[rang]) + decalage) % 10)
    faux = valide[:rang] + chiffre + valide[rang + 1:]
    assert not cle_luhn_valide(faux)  # Luhn detects every single-digit error
    assert erreur_numero_finess(faux) is not None


@given(st.text(alphabet="0123456789AB ", max_size=12))
def test_le_format_est_verifie(texte):
    ok = erreur_numero_finess(texte) is None
    if ok:
        assert len(texte) == 9


def test_message_du_verificateur_pour_une_mauvaise_cle():
    assert VerificateurNumeros().erreur("010000025") == "clé de contrôle FINESS invalide (010000025)"
    assert "9 caractères" in VerificateurNumeros().erreur("01000002")


def test_numeros_corses_et_outre_mer():
    assert erreur_numero_finess(numero("2A", 1)) is None
    assert erreur_numero_finess(numero("2B", 77)) is None
    assert erreur_numero_finess(numero("9701", 1)) is None
    assert incoherence_departement(numero("9701", 1), "971") is None
    assert "972" in incoherence_departement(numero("9702", 1), "971")
    assert incoherence_departement(numero("01", 1), "01") is None


@pytest.mark.realdata
def test_regle_de_cle_des_numeros_corses_sur_l_extrait_national(shared_data):
    """Every 2A/2B number (ET and EJ) of the 2021 extract satisfies Luhn once A→1 and B→2 (2A→21, 2B→22)."""
    corses = set()
    with gzip.open(shared_data / "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz", "rt",
                   encoding="latin-1") as fichier:
        for ligne in fichier:
            champs = ligne.split(";", 3)
            if champs[0] == "structureet":
                corses.update(n for n in champs[1:3] if n[:2] in ("2A", "2B"))
    assert len(corses) > 700
    assert all(cle_luhn(n[:8]) == n[8] for n in corses)
