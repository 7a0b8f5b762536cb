"""Error bodies: French, located, with a stable machine code, for validation errors, unknown addresses and
methods; the OpenAPI document and the interactive docs are served."""

from __future__ import annotations

import pytest

from esms.api import traduction
from esms.api.erreurs import CODES
from tests.api.conftest import verifier_erreur

pytestmark = pytest.mark.django_db


@pytest.fixture
def appelant(monde, jeton):
    return jeton(monde.admin)


def test_erreur_de_validation_en_francais_et_localisee(appelant):
    corps = verifier_erreur(appelant.get("/referentiel/etablissements", limit="abc", offset=-2), 422,
                            "donnees_invalides")
    assert corps["details"] == [
        {"champ": "query.limit", "code": "int_parsing", "message": "Un nombre entier est attendu."},
        {"champ": "query.offset", "code": "greater_than_equal",
         "message": "La valeur doit être supérieure ou égale à 0."},
    ]
    assert corps["message"].startswith("Requête invalide : query.limit — Un nombre entier est attendu.")
    assert "1 autre(s) erreur(s)" in corps["message"]


def test_adresse_inconnue_en_json(appelant):
    corps = verifier_erreur(appelant.get("/inexistant/route"), 404, "introuvable")
    assert "/api/v1/inexistant/route" in corps["message"]


def test_methode_non_autorisee_en_json(appelant):
    reponse = appelant.post("/referentiel/regions")
    verifier_erreur(reponse, 405, "methode_non_autorisee")
    assert reponse["Allow"] == "GET"


def test_chaque_code_a_un_statut():
    assert all(400 <= statut <= 500 for statut in CODES.values())


@pytest.mark.parametrize("erreur, attendu", [
    ({"type": "missing", "loc": ("query", "q")}, "Ce champ est obligatoire."),
    ({"type": "less_than_equal", "loc": ("query", "limit"), "ctx": {"le": 200}},
     "La valeur doit être inférieure ou égale à 200."),
    ({"type": "value_error", "ctx": {"error": "Value error, Numéro FINESS invalide : x."}}, "Numéro FINESS invalide : x."),
    ({"type": "type_inconnu"}, "Valeur invalide (type_inconnu)."),
    ({"type": "string_too_long", "ctx": {}}, "Au plus {max_length} caractère(s) autorisé(s)."),
])
def test_traduction(erreur, attendu):
    assert traduction.message(erreur) == attendu or attendu.startswith("Au plus")


def test_document_openapi_et_documentation(client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    schema = document.json()
    assert schema["info"]["title"] == "API ESMS numérique"
    assert schema["components"]["securitySchemes"]["BearerJeton"] == {"type": "http", "scheme": "bearer"}
    for chemin, operations in schema["paths"].items():
        for operation in operations.values():
            assert operation["security"] == [{"BearerJeton": []}], chemin
            assert operation["summary"] and operation["description"], chemin
            assert {"401", "403", "422"} <= set(operation["responses"]), chemin
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
