"""Whole-euro splits: parts add up exactly, follow the weights, and are deterministic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esms.rules import load_campagne
from esms.rules.repartition import enveloppes_regionales, repartir_prorata


@given(total=st.integers(min_value=0, max_value=10**9),
       poids=st.dictionaries(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=10**6), min_size=1))
def test_parts_add_up_exactly_and_stay_within_one_euro_of_the_exact_share(total, poids):
    parts = repartir_prorata(total, poids)
    somme = sum(poids.values())
    if somme == 0:
        assert set(parts.values()) == {0}
        return
    assert sum(parts.values()) == total
    for cle, p in poids.items():
        assert abs(parts[cle] - total * p / somme) < 1


def test_ties_are_broken_by_key():
    assert repartir_prorata(10, {"b": 1, "a": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}


def test_negative_input_is_refused():
    with pytest.raises(ValueError):
        repartir_prorata(-1, {"a": 1})


def test_regional_envelopes_use_published_amounts_then_pro_rata():
    campagne = load_campagne("2025")
    nb = {"84": 5000, "11": 4000, "94": 300, "27": 2000}
    enveloppes = enveloppes_regionales(campagne, nb)
    connus = dict(campagne.enveloppes.par_region.valeur)
    for region in nb:
        if region in connus:
            assert enveloppes[region] == connus[region]
    autres = [r for r in nb if r not in connus]
    assert sum(enveloppes[r] for r in autres) == campagne.enveloppes.regional.valeur - sum(
        connus[r] for r in nb if r in connus)
