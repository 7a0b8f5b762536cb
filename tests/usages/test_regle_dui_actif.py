"""The pure « DUI actif » rules (esms.rules.dui_actif): definition from the campaign, gap check, figure retained."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from esms.rules import RulesInputError, load_campagne
from esms.rules.dui_actif import comparer, definition_dui_actif, dui_actifs_retenus


def test_definition_comes_from_the_campaign_with_its_status():
    verdict = definition_dui_actif(load_campagne("2024"), date(2024, 10, 1), date(2024, 12, 31))
    definition = verdict.valeur
    assert (definition.ecritures_min, definition.fenetre_jours) == (1, 90)
    assert definition.fenetre_debut == date(2024, 10, 3)
    assert definition.instant_fin.isoformat() == "2025-01-01T00:00:00+01:00"
    assert definition.instant_debut.isoformat() == "2024-10-01T00:00:00+02:00"
    assert set(verdict.motifs[0].parameters) == {"usage.dui_actif.ecritures_min", "usage.dui_actif.fenetre_jours"}


def test_overrides_and_short_periods():
    verdict = definition_dui_actif(load_campagne("2024"), date(2024, 12, 1), date(2024, 12, 31), ecritures_min=3,
                                   fenetre_jours=365)
    assert verdict.valeur.fenetre_debut == date(2024, 12, 1)  # never before the period
    assert "ecritures_min = 3" in verdict.motifs[0].message and not verdict.motifs[0].parameters


@pytest.mark.parametrize("debut,fin,minimum,fenetre,message", [
    (date(2024, 12, 31), date(2024, 1, 1), None, None, "précède le début"),
    (date(2023, 1, 1), date(2024, 12, 31), None, None, "366 jours au plus"),
    (date(2024, 1, 1), date(2024, 3, 31), 0, None, "ecritures_min"),
    (date(2024, 1, 1), date(2024, 3, 31), None, -5, "fenetre_jours"),
])
def test_invalid_definitions(debut, fin, minimum, fenetre, message):
    with pytest.raises(RulesInputError, match=message):
        definition_dui_actif(load_campagne("2024"), debut, fin, ecritures_min=minimum, fenetre_jours=fenetre)


@pytest.mark.parametrize("declare,recalcule,signale,retenu", [
    (100, 100, False, 100), (104, 100, False, 100), (106, 100, True, 100), (90, 100, True, 90),
    (None, 100, True, 100), (100, None, True, 100), (3, 0, True, 0),
])
def test_gap_flag_and_retained_figure(declare, recalcule, signale, retenu):
    assert comparer(declare, recalcule).signale is signale
    assert dui_actifs_retenus(declare, recalcule) == retenu


def test_tolerance_is_a_parameter():
    assert comparer(110, 100, Decimal("0.2")).signale is False
    assert "tolérance de 20,0 %" in comparer(110, 100, Decimal("0.2")).message
