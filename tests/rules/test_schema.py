"""docs/rules.schema.json: it is a valid JSON Schema, the documented examples follow it and match the
code, and real inputs, outputs and parameter sets validate against it."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from esms.rules import CODES_CAMPAGNES, campagne_to_dict, evaluate_dossier, load_campagne
from esms.rules.schema_campagne import schema_json

from .fabrique import dossier, membre, membres

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA = json.loads((DOCS / "rules.schema.json").read_text(encoding="utf-8"))


SCHEMA_PARAMETRES = json.loads((DOCS / "parametres.schema.json").read_text(encoding="utf-8"))


def validateur_genere(definition: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        {**SCHEMA_PARAMETRES, "$ref": f"#/$defs/{definition}"}, format_checker=jsonschema.FormatChecker()
    )


def test_schema_des_parametres_a_jour() -> None:
    """docs/parametres.schema.json is generated from the shape declared once (schema_campagne.SECTIONS)."""
    jsonschema.Draft202012Validator.check_schema(SCHEMA_PARAMETRES)
    assert schema_json() == SCHEMA_PARAMETRES, (
        "docs/parametres.schema.json n'est plus à jour : lancer `esms rules schema > docs/parametres.schema.json`"
    )


def test_schema_genere_refuse_une_feuille_mal_formee() -> None:
    resolu = campagne_to_dict(load_campagne("2024"))
    resolu["calendrier"]["engagement_avant"]["valeur"] = 12
    assert list(validateur_genere("campagne").iter_errors(resolu))
    del resolu["programme"]
    assert list(validateur_genere("campagne").iter_errors(resolu))
    resolu["calendrier"]["engagement_avant"]["valeur"] = None
    del resolu["amendements_appliques"]
    assert not list(validateur_genere("fichier").iter_errors({**resolu, "herite_de": "2023", "programme": {}}))


def validateur(definition: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{definition}"})


def exemple(nom: str) -> Any:
    texte = (DOCS / "rules.md").read_text(encoding="utf-8")
    trouve = re.search(rf"<!-- exemple-{nom} -->\s*```json\n(.*?)\n```", texte, re.S)
    assert trouve, nom
    return json.loads(trouve.group(1))


def test_schema_valide() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_exemple_documente() -> None:
    entree, sortie = exemple("entree"), exemple("sortie")
    validateur("entree").validate(entree)
    validateur("sortie").validate(sortie)
    assert evaluate_dossier(entree) == sortie, "docs/rules.md : l'exemple de sortie n'est plus celui du code"


@pytest.mark.parametrize(
    "donnees",
    [
        dossier(membres(15)),
        dossier(membres(14) + [membre(categorie="362")]),
        dossier(membres(8, "11") + membres(8, "84"), call="multiregional", trace_complete=True),
        dossier(
            membres(15, indicateurs={"taux_dui_actifs": 0.9}, sons_eligible=False, part_heures_eligibles=0.5),
            campagne="2023",
            submitted_at="2023-06-01T12:00:00+02:00",
            versement={"montant_convention": 100_000, "deja_verse": 50_000},
        ),
    ],
)
def test_entrees_et_sorties_conformes(donnees: dict[str, Any]) -> None:
    validateur("entree").validate(donnees)
    validateur("sortie").validate(evaluate_dossier(donnees))


@pytest.mark.parametrize(
    ("modifier", "chemin"),
    [
        (lambda d: d["members"][0].update(cas="achat"), ["members", 0, "cas"]),
        (lambda d: d["members"][0].pop("autres_fonds_ue"), ["members", 0]),
        (lambda d: d["members"][0].update(finess_et="12"), ["members", 0, "finess_et"]),
        (lambda d: d.update(submitted_at="2024-03-01T10:00:00"), ["submitted_at"]),
        (lambda d: d.update(inconnu=True), []),
    ],
)
def test_le_schema_refuse_les_entrees_invalides(modifier, chemin: list[Any]) -> None:  # type: ignore[no-untyped-def]
    donnees = copy.deepcopy(dossier(membres(15)))
    modifier(donnees)
    erreurs = list(validateur("entree").iter_errors(donnees))
    assert erreurs and any(list(e.absolute_path) == chemin for e in erreurs), [
        (list(e.absolute_path), e.message) for e in erreurs
    ]


def test_sortie_avec_montant_negatif_refusee() -> None:
    sortie = evaluate_dossier(dossier(membres(15)))
    sortie["financement"]["total"] = -1
    assert list(validateur("sortie").iter_errors(sortie))


@pytest.mark.parametrize("code", CODES_CAMPAGNES)
def test_parametres_conformes(code: str) -> None:
    brut = yaml.safe_load(
        resources.files("esms.rules")
        .joinpath("campagnes")
        .joinpath(f"{code}.yaml")
        .read_text(encoding="utf-8")
    )
    brut = json.loads(json.dumps(brut, default=str))  # YAML dates → strings, as in JSON
    # A shipped file may state only what changes from the campaign it inherits from (herite_de).
    validateur_genere("fichier").validate(brut)
    resolu = {"parametres_au": None, **campagne_to_dict(load_campagne(code))}
    validateur_genere("campagne").validate(resolu)
    validateur("parametres").validate(resolu)
    resolu["grappe"]["taille_min"]["statut"] = "peut-être"
    assert list(validateur("parametres").iter_errors(resolu))
