"""Low-level pieces of the importer: line ends, projection choice, vectorised conversion, mini-map."""

from __future__ import annotations

import pytest

from esms.comptes.permissions import SYSTEME
from esms.referentiel.carte import carte
from esms.referentiel.importer import projection
from esms.referentiel.importer.lecture import decoder
from esms.referentiel.models import Etablissement
from esms.referentiel.services import importer_finess
from tests.referentiel import generateur


@pytest.mark.parametrize(("source", "departement", "epsg"), [
    ("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93", "9A", 2154),  # the source wins over the département
    ("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N20", "9B", 4559),
    ("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N22", "", 2972),
    ("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_S40", "", 2975),
    ("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_S38", "", 4471),
    ("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_N21", "", 4467),
    ("1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)", "9D", 2154),
    ("", "9A", 4559), ("", "9B", 4559), ("", "9C", 2972), ("", "9D", 2975), ("", "9E", 4467), ("", "9F", 4471),
    ("", "974", 2975), ("", "2A", 2154), ("", "75", 2154), ("source inconnue", "9C", 2972),
])
def test_choix_de_la_projection(source, departement, epsg):
    assert projection.epsg(source, departement) == epsg


def test_conversion_vectorisee():
    x, y = generateur.metres("9D", -20.8821, 55.4504)
    (lat, lon), (lat2, lon2) = projection.vers_wgs84([(2975, float(x), float(y)), (2154, 870215.7, 6571590.5)])
    assert lat == pytest.approx(-20.8821, abs=1e-5) and lon == pytest.approx(55.4504, abs=1e-5)
    assert lat2 == pytest.approx(46.2227, abs=1e-3) and lon2 == pytest.approx(5.2086, abs=1e-3)


def test_fins_de_ligne_windows(importe, ecrire):
    octets = generateur.ET_2.read_bytes().replace(b"\n", b"\r\n")
    resultat = importer_finess(actor=SYSTEME, chemin=ecrire(octets))
    assert (resultat.nb_crees, resultat.nb_modifies, resultat.nb_fermes) == (1, 1, 1)


def test_caractere_de_controle_localise():
    texte = decoder(b"finess;etalab;;2021-01-08\nstructureet;01\x00;x\n")
    assert texte.suspects == {2: (14, "caractère de contrôle interdit (0x00)")}


def test_mini_carte(importe):
    points = list(Etablissement.objects.filter(latitude__isnull=False).values_list("finess_et", "latitude", "longitude"))
    et = Etablissement.objects.get(pk=generateur.numero("01", 1))
    dessin = carte(points, finess_et=et.finess_et, latitude=et.latitude, longitude=et.longitude)
    assert dessin.nombre == len(points) and dessin.points.count("M") == len(points) - 1
    assert 0 <= dessin.x <= dessin.largeur and 0 <= dessin.y <= dessin.hauteur
    assert carte([], finess_et="x", latitude=None, longitude=None) is None
