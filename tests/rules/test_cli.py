"""`esms rules` command line: exit codes, JSON on stdout, located French errors on stderr, stdin."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from esms.rules.cli import main

from .fabrique import dossier, membres


def _ecrire(chemin: Path, donnees: object) -> Path:
    chemin.write_text(json.dumps(donnees, ensure_ascii=False), encoding="utf-8")
    return chemin


def test_evaluate_fichier_eligible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fichier = _ecrire(tmp_path / "dossier.json", dossier(membres(15)))
    assert main(["evaluate", str(fichier)]) == 0
    sortie = capsys.readouterr()
    verdict = json.loads(sortie.out)
    assert verdict["eligible"] is True and sortie.err == ""
    assert "Appel régional" in sortie.out  # UTF-8, not \\u escapes


def test_evaluate_non_eligible_sort_en_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fichier = _ecrire(tmp_path / "dossier.json", dossier(membres(14)))
    assert main(["evaluate", str(fichier), "--compact"]) == 0
    sortie = capsys.readouterr().out
    assert sortie.count("\n") == 1 and json.loads(sortie)["eligible"] is False


def test_evaluate_entree_standard(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    texte = json.dumps(dossier(membres(15)))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(texte.encode("utf-8")), encoding="utf-8"))
    assert main(["evaluate", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["eligible"] is True


def test_cle_de_controle_invalide_localisee(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    donnees = dossier(membres(15))
    numero = donnees["members"][3]["finess_et"]
    donnees["members"][3]["finess_et"] = numero[:-1] + str((int(numero[-1]) + 1) % 10)
    donnees["members"][5]["region"] = "99"
    assert main(["evaluate", str(_ecrire(tmp_path / "d.json", donnees))]) == 2
    sortie = capsys.readouterr()
    assert sortie.out == ""
    assert "members[3].finess_et : clé de contrôle invalide" in sortie.err
    assert "members[5].region : région « 99 » inconnue" in sortie.err


def test_json_invalide_localise(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fichier = tmp_path / "casse.json"
    fichier.write_text(
        '{\n  "campaign": "2024",\n  "submitted_at": "2024-03-01T10:00:00+01:00"\n  "members": []\n}\n',
        encoding="utf-8",
    )
    assert main(["evaluate", str(fichier)]) == 2
    assert f"{fichier}, ligne 4, colonne 3 : JSON invalide (virgule attendue)" in capsys.readouterr().err


def test_fichier_absent_ou_non_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(tmp_path / "absent.json")]) == 2
    assert "lecture impossible" in capsys.readouterr().err
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"campaign": "Générale"}'.encode("latin-1"))
    assert main(["evaluate", str(latin1)]) == 2
    assert "pas encodé en UTF-8" in capsys.readouterr().err


def test_champs_manquants_et_inconnus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    donnees = dossier(membres(15))
    del donnees["submitted_at"]
    donnees["members"][0]["categori"] = "500"
    del donnees["members"][1]["cas"]
    assert main(["evaluate", str(_ecrire(tmp_path / "d.json", donnees))]) == 2
    erreurs = capsys.readouterr().err
    assert "submitted_at : champ obligatoire manquant" in erreurs
    assert "members[0].categori : champ inconnu" in erreurs
    assert "members[1].cas : champ obligatoire manquant" in erreurs


def test_params(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["params", "--campaign", "2025", "--date", "2025-05-01"]) == 0
    avril = json.loads(capsys.readouterr().out)
    assert avril["parametres_au"] == "2025-05-01" and avril["amendements_appliques"] == []
    assert main(["params", "--campaign", "2025"]) == 0
    septembre = json.loads(capsys.readouterr().out)
    assert septembre["enveloppes"]["total"]["valeur"] != avril["enveloppes"]["total"]["valeur"]
    assert septembre["grappe"]["taille_min"] == {
        "valeur": 15,
        "source": septembre["grappe"]["taille_min"]["source"],
        "statut": "confirmé",
    }


def test_params_a_confirmer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["params", "--campaign", "2024", "--a-confirmer"]) == 0
    noms = [p["parametre"] for p in json.loads(capsys.readouterr().out)["a_confirmer"]]
    assert "financement.forfaits.acquisition" in noms and "grappe.taille_min" not in noms


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["params", "--campaign", "2019"], "--campaign : campagne « 2019 » inconnue"),
        (["params", "--campaign", "2024", "--date", "2024-02-30"], "--date : date invalide"),
        (["params"], "arguments : arguments obligatoires manquants : --campaign"),
        (["inconnue"], "arguments : COMMANDE : choix 'inconnue' inconnu"),
        ([], "arguments : arguments obligatoires manquants : COMMANDE"),
    ],
)
def test_erreurs_d_arguments(arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(arguments) == 2
    assert message in capsys.readouterr().err


def test_campagnes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["campagnes"]) == 0
    codes = [c["code"] for c in json.loads(capsys.readouterr().out)]
    assert codes == ["2021-1", "2021-2", "2022", "2023", "2024", "2025"]


def test_module_executable_et_stdin(tmp_path: Path) -> None:
    texte = json.dumps(dossier(membres(3)))
    resultat = subprocess.run(
        [sys.executable, "-m", "esms.rules.cli", "evaluate", "-"],
        input=texte.encode(),
        capture_output=True,
        check=False,
    )
    assert resultat.returncode == 0
    assert json.loads(resultat.stdout)["eligible"] is False
    resultat = subprocess.run(
        [sys.executable, "-m", "esms.rules.cli", "evaluate", "-"],
        input=b"[1,",
        capture_output=True,
        check=False,
    )
    assert resultat.returncode == 2
    assert "<stdin>, ligne 1, colonne 4 : JSON invalide (valeur attendue)" in resultat.stderr.decode("utf-8")
