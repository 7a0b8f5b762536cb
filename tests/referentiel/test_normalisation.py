"""Display values of raw FINESS fields (quoting) and the accent/case-insensitive search key."""

from __future__ import annotations

import pytest

from esms.referentiel.normalisation import cle_recherche, valeur_affichee


@pytest.mark.parametrize(("brute", "affichee"), [
    ("EHPAD LES TILLEULS", "EHPAD LES TILLEULS"),
    ('"EHPAD ""LE CORNILLON"" ST RAMBERT  BUGEY"', 'EHPAD "LE CORNILLON" ST RAMBERT  BUGEY'),
    ('"""""SELARL PHARMACIE GRAND"""""', '"SELARL PHARMACIE GRAND"'),
    ('"Lieu dit """"LES BOURBES"""""', 'Lieu dit "LES BOURBES"'),
    ('"EHPAD "" BON REPOS"" BELLEY"', 'EHPAD " BON REPOS" BELLEY'),
    ('CLINIQUE "LES CEDRES"', 'CLINIQUE "LES CEDRES"'),
])
def test_valeur_affichee(brute, affichee):
    assert valeur_affichee(brute) == affichee


@pytest.mark.parametrize(("texte", "cle"), [
    ("Résidence l’Œillet", "RESIDENCE L OEILLET"),
    ("  ehpad   Les   Tilleuls ", "EHPAD LES TILLEULS"),
    ("Saint-Étienne", "SAINT ETIENNE"),
    ("", ""),
])
def test_cle_recherche(texte, cle):
    assert cle_recherche(texte) == cle
