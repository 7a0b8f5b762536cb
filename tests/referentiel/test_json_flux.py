"""The streaming JSON reader of FINESS+ files: values cut by the block boundary, members on either side of the
big array, located French errors; and the FINESS+ reader's refusals of malformed files, nothing written."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esms.referentiel.importer import json_flux
from esms.referentiel.importer.json_flux import ErreurJson, LecteurObjet
from tests.referentiel.test_import_finess_plus import (  # noqa: F401
    dossier_nomenclatures,
    ecrire_json,
    exemple,
    nomenclatures,
)


def _lire(texte: str | bytes, tableau: str = "pmej") -> tuple[dict, list]:
    articles: list = []
    octets = texte.encode() if isinstance(texte, str) else texte
    membres = LecteurObjet(io.BytesIO(octets)).membres(tableau, articles.extend)
    return membres, articles


@pytest.fixture(params=[3, 64, 1 << 20], ids=["bloc 3", "bloc 64", "bloc 1 Mo"])
def bloc(request, monkeypatch):
    monkeypatch.setattr(json_flux, "BLOC", request.param)
    return request.param


def test_membres_avant_et_apres_le_tableau(bloc):
    texte = ('\ufeff{ "schemaVersion": "v1.0.0", "gcc": [{"gccId": "1"}],\r\n "pmej": [ {"a": 1.5, "b": [1, 2]},'
             '\n {"a": -12345678901234567890, "c": "é\\u00e9\\"x"} ] , "gco": [], "n": 1234567}')
    membres, articles = _lire(texte)
    assert membres == {"schemaVersion": "v1.0.0", "gcc": [{"gccId": "1"}], "pmej": True, "gco": [], "n": 1234567}
    assert articles == [{"a": 1.5, "b": [1, 2]}, {"a": -12345678901234567890, "c": 'éé"x'}]


def test_tableau_vide_et_objet_vide(bloc):
    assert _lire('{"pmej": []}') == ({"pmej": True}, [])
    assert _lire("{}") == ({}, [])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=5), st.one_of(
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8), st.booleans(), st.none()),
    max_size=4), max_size=6), st.integers(min_value=1, max_value=40), st.booleans())
def test_tout_tableau_relu_a_l_identique(articles, taille, indente):
    """Whatever the items, the block size and the layout, the items read are the items written."""
    document = {"generatedAt": "2026-06-01T03:00:00Z", "pmej": articles, "fin": 10 ** 12}
    texte = json.dumps(document, indent=2 if indente else None, ensure_ascii=False)
    ancienne = json_flux.BLOC
    json_flux.BLOC = taille
    try:
        membres, lus = _lire(texte)
    finally:
        json_flux.BLOC = ancienne
    assert lus == articles and membres["fin"] == 10 ** 12


@pytest.mark.parametrize(("texte", "message"), [
    ('{"pmej": [{"a": 1}, {"a": 2]}', "ligne 1, colonne 28 : virgule attendue"),
    ('{"pmej": [\n{"a": 1},\n{"a": "x}]}', "ligne 3, colonne 7 : chaîne de caractères non terminée"),
    ('{"pmej": [{"a": NaN}]}', "constante « NaN » non autorisée en JSON"),
    ('{"pmej": [{"a": 1}]} {}', "contenu après la fin de l'objet JSON"),
    ('{"pmej": [{"a": 1}', "« , » ou « ] » attendu, la fin du fichier trouvé"),
    ('{"pmej" [', "« : » attendu, « [ » trouvé"),
    ("{1: 2}", "nom de propriété entre guillemets attendu"),
])
def test_erreurs_localisees_en_francais(bloc, texte, message):
    with pytest.raises(ErreurJson, match="^JSON invalide ligne ") as erreur:
        _lire(texte)
    assert message in str(erreur.value)


def test_octets_non_utf8():
    with pytest.raises(ErreurJson, match="octets invalides en UTF-8"):
        _lire(b'{"pmej": [{"a": "\xe9"}]}')


# ---------------------------------------------------------------------------------------------------------------
# Through the FINESS+ reader


@pytest.mark.parametrize(("contenu", "champ", "message"), [
    (b'{"schemaVersion": "v1.0.0", "generatedAt": "2026-03-10T03:00:00Z", "pmej": [{"x": 1}, {"y": ]}',
     "pmej[1]", "valeur attendue"),
    (b'{"generatedAt": "2026-03-10T03:00:00Z", "pmej": [{"x": 1}]} trailing', "(fichier)", "contenu après la fin"),
    (b'{"generatedAt": "2026-03-10T03:00:00Z", "gcc": []}', "pmej", "« pmej » absente"),
    (b'{"generatedAt": "2026-03-10T03:00:00Z", "pmej": {}}', "pmej", "doit être un tableau"),
])
def test_fichier_malforme_refuse_rien_d_ecrit(nomenclatures, tmp_path, contenu, champ, message):  # noqa: F811
    from esms.comptes.permissions import SYSTEME
    from esms.referentiel.erreurs import ErreurImport
    from esms.referentiel.models import Etablissement, ImportFiness
    from esms.referentiel.services import importer_finess

    chemin = tmp_path / "finess-structures-journalier-20260310.json.gz"
    chemin.write_bytes(gzip.compress(contenu))
    with pytest.raises(ErreurImport, match=message) as erreur:
        importer_finess(actor=SYSTEME, chemin=chemin)
    assert erreur.value.anomalie.champ == champ
    assert not Etablissement.objects.exists()
    assert ImportFiness.objects.get().statut == ImportFiness.Statut.ECHOUE


def test_groupes_apres_les_entites(nomenclatures, ecrire_json, exemple):  # noqa: F811
    """gcc and gco written after pmej are read in the same pass."""
    from esms.comptes.permissions import SYSTEME
    from esms.referentiel.models import GroupeFiness
    from esms.referentiel.services import importer_finess

    reordonne = {cle: exemple[cle] for cle in ("schemaVersion", "generatedAt", "pmej", "gcc", "gco")}
    assert list(reordonne) != list(exemple)
    importer_finess(actor=SYSTEME, chemin=ecrire_json(reordonne, compresse=True))
    assert GroupeFiness.objects.count() == 19
