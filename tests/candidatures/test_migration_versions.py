"""Stored parameter versions written before issue 10 get the new parameters from the shipped campaign;
the values they already hold are kept."""

from __future__ import annotations

import importlib

from esms import rules

migration = importlib.import_module("esms.candidatures.migrations.0003_versions_completees")


def test_une_ancienne_version_recoit_les_nouveaux_parametres_sans_perdre_les_siens() -> None:
    livre = rules.campagne_to_dict(rules.load_campagne("2024"))
    ancienne = rules.campagne_to_dict(rules.load_campagne("2024"))
    del ancienne["programme"]
    del ancienne["calendrier"]["engagement_avant"]
    ancienne["grappe"]["taille_min"]["valeur"] = 12  # an administrator's own value
    assert migration._completer(ancienne, livre) is True
    campagne = rules.campagne_from_dict(ancienne)
    assert campagne.programme.cible_dui_actifs.valeur.valeur == 410_000
    assert campagne.grappe.taille_min.valeur == 12
    assert migration._completer(ancienne, livre) is False
