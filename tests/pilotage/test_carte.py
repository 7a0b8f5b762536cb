"""The schematic map: one tile for every département of the INSEE geography (101), every region code written
on the region map, overseas insets, the perimeter greyed, accessible title and description."""

from __future__ import annotations

import re

import pytest

from esms.pilotage import carte, selectors, tuiles
from esms.referentiel import chargement
from esms.referentiel.models import Departement, Region


def test_layout_is_one_distinct_tile_per_departement():
    positions = [tuiles.position(code) for code in tuiles.CODES]
    insee = {f"{i:02d}" for i in range(1, 96) if i != 20} | {"2A", "2B", "971", "972", "973", "974", "976"}
    assert set(tuiles.CODES) == insee and len(insee) == 101
    assert len(set(positions)) == len(positions)
    assert set(tuiles.OUTRE_MER) == {"971", "972", "973", "974", "976"}


@pytest.mark.realdata
def test_layout_regions_are_contiguous_blocks(shared_data):
    """With the COG mapping, the tiles of each metropolitan region touch each other (no enclave)."""
    region_de = {d.code: d.region_id for d in chargement.lire_departements(shared_data)}
    par_region: dict[str, set] = {}
    for code, (colonne, ligne) in {**tuiles.METROPOLE, **tuiles.CORSE}.items():
        par_region.setdefault(region_de[code], set()).add((colonne, ligne))
    for region, cases in par_region.items():
        depart = next(iter(cases))
        vues, pile = {depart}, [depart]
        while pile:
            c, ligne = pile.pop()
            for voisin in ((c + 1, ligne), (c - 1, ligne), (c, ligne + 1), (c, ligne - 1)):
                if voisin in cases and voisin not in vues:
                    vues.add(voisin)
                    pile.append(voisin)
        assert vues == cases, f"région {region} en morceaux"


@pytest.fixture
def geographie_reelle(db, shared_data):
    Region.objects.bulk_create(chargement.lire_regions(shared_data))
    Departement.objects.bulk_create(chargement.lire_departements(shared_data))
    return selectors.geographie()


@pytest.mark.realdata
def test_every_region_and_departement_code_is_on_the_maps(geographie_reelle):
    geo = geographie_reelle
    assert len(geo["regions"]) == 18 and len(geo["departements"]) == 101
    par_region = carte.carte(identifiant="r", titre="Régions", description="d", niveau="region",
                             valeurs={code: 1.0 for code in geo["regions"]}, geographie=geo)
    par_departement = carte.carte(identifiant="d", titre="Départements", description="d", niveau="departement",
                                  valeurs={d["code"]: 2.0 for d in geo["departements"]}, geographie=geo)
    assert set(re.findall(r'data-code="([^"]+)"', par_departement)) == {d["code"] for d in geo["departements"]}
    textes = set(re.findall(r"<text [^>]*>([^<]+)</text>", par_departement))
    assert {d["code"] for d in geo["departements"]} <= textes
    etiquettes = set(re.findall(r'<text [^>]*font-weight="bold">([^<]+)</text>', par_region))
    assert etiquettes == set(geo["regions"])
    for nom in ("Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"):
        assert f">{nom}</text>" in par_region


def test_map_values_classes_and_perimeter(ref):
    geo = selectors.geographie()
    svg = carte.carte(identifiant="c", titre="Titre <de> carte", description="Description", niveau="departement",
                      valeurs={"01": 12.5, "2A": 0.0}, geographie=geo, perimetre="84")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="c-titre c-desc"' in svg
    assert '<title id="c-titre">Titre &lt;de&gt; carte</title>' in svg
    assert "Ain (01) — Auvergne-Rhône-Alpes : 12,5 %" in svg
    assert "Corse-du-Sud (2A) : hors périmètre" in svg
    assert carte.couleur(12.5, carte.classes([12.5])) == carte.CLASSES[-1]


def test_classes_are_round_and_cover_the_maximum():
    assert carte.classes([0, 0]) == []
    bornes = carte.classes([0.3, 4.8, 1.0])
    assert bornes == [1, 2, 3, 4, 5]
    assert carte.couleur(0, bornes) == carte.NUL and carte.couleur(None, bornes) == carte.NON_CALCULABLE
    assert carte.couleur(4.8, bornes) == carte.CLASSES[4] and carte.couleur(0.3, bornes) == carte.CLASSES[0]
    assert carte.classes([37])[-1] >= 37
