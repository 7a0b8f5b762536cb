"""`esms bourse proposer`: JSON contract (validated against docs/bourse.schema.json), stdin, located
French errors with exit code 2, and the package's purity (no Django)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from esms.bourse.solveur.cli import main
from tests.bourse.fabrique import demande, instance, offre

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "bourse.schema.json").read_text("utf-8"))


def _valider(donnees: object, partie: str) -> None:
    jsonschema.validate(donnees, {**SCHEMA, "$ref": f"#/$defs/{partie}"})


def _exemple() -> dict[str, object]:
    return instance([demande(position=(k, 0)) for k in range(4)] + [demande(position=(500, 0))], [offre("g1", 12, 4)])


def test_proposer_fichier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    donnees = _exemple()
    _valider(donnees, "entree")
    fichier = tmp_path / "bourse.json"
    fichier.write_text(json.dumps(donnees), encoding="utf-8")
    assert main(["proposer", str(fichier)]) == 0
    sortie = capsys.readouterr()
    resultat = json.loads(sortie.out)
    _valider(resultat, "sortie")
    assert sortie.err == ""
    assert resultat["places"] == 4 and resultat["optimal"] is True and resultat["borne"] == 4
    (proposition,) = resultat["propositions"]
    assert proposition["offre"] == "g1" and proposition["verdict"]["eligible"] is True
    assert len(resultat["non_places"]) == 1


def test_proposer_entree_standard(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(_exemple()).encode())))
    assert main(["proposer", "-", "--compact", "--moteur", "cpsat"]) == 0
    sortie = capsys.readouterr().out
    assert sortie.count("\n") == 1 and json.loads(sortie)["moteur"] == "cpsat"


@pytest.mark.parametrize(
    ("modifier", "attendu"),
    [
        (lambda d: d["demandes"][1].update(latitude=123), "demandes[1].latitude : nombre entre -90 et 90 attendu"),
        (lambda d: d["demandes"][0].update(finess_et="010000001"), "demandes[0].finess_et : "),
        (lambda d: d["demandes"][2].update(couleur="bleu"), "demandes[2].couleur : champ inconnu"),
        (lambda d: d["offres"][0]["membres"][3].pop("latitude"), "offres[0].membres[3].latitude : champ obligatoire manquant"),
        (lambda d: d["offres"][0]["membres"][2].update(categorie=None), "offres[0].membres[2].categorie"),
        (lambda d: d["offres"][0].update(places=-1), "offres[0].places : nombre entier"),
        (lambda d: d.update(campaign="1999"), "campaign"),
    ],
)
def test_entree_invalide_erreur_localisee(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], modifier, attendu: str
) -> None:
    donnees = _exemple()
    modifier(donnees)
    fichier = tmp_path / "bourse.json"
    fichier.write_text(json.dumps(donnees), encoding="utf-8")
    assert main(["proposer", str(fichier)]) == 2
    sortie = capsys.readouterr()
    assert sortie.out == ""
    assert attendu in sortie.err, sortie.err


def test_json_invalide_localise(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fichier = tmp_path / "bourse.json"
    fichier.write_text('{"campaign": "2024",\n "demandes": [}', encoding="utf-8")
    assert main(["proposer", str(fichier)]) == 2
    assert "ligne 2, colonne" in capsys.readouterr().err


def test_le_solveur_n_importe_pas_django() -> None:
    code = (
        "import sys\n"
        "import esms.bourse.solveur, esms.bourse.solveur.cli, esms.bourse.solveur.exhaustif\n"
        "autres = sorted(m for m in sys.modules if m.startswith('esms.') and not m.startswith(('esms.rules', 'esms.bourse')))\n"
        "print('django' in sys.modules, autres)\n"
    )
    resultat = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert resultat.stdout.strip() == "False []"


def test_commande_esms(tmp_path: Path) -> None:
    fichier = tmp_path / "bourse.json"
    fichier.write_text(json.dumps(_exemple()), encoding="utf-8")
    resultat = subprocess.run(
        [sys.executable, "-m", "esms.cli", "bourse", "proposer", str(fichier), "--compact"],
        capture_output=True,
        text=True,
    )
    assert resultat.returncode == 0, resultat.stderr
    assert json.loads(resultat.stdout)["places"] == 4
