"""The tamper-evident log (`esms preuves verifier`) and `esms usages recompute`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from esms.usages import services
from esms.usages.models import MaillonJournal, Preuve, TeteJournal
from esms.usages.preuves import stockage
from tests.usages.fabrique import DEBUT, FIN, csv_bytes, evenements, parquet_bytes


@pytest.fixture
def trois_preuves(suivi, porteur):
    preuves = []
    for n in range(3):
        actifs = {et: n + 1 for et in suivi.ets[:2]}
        preuves.append(services.deposer_preuve(actor=porteur, dossier=suivi.dossier, nom=f"p{n}.csv", debut=DEBUT,
                                               fin=FIN, fichier=csv_bytes(evenements(suivi.ets[:2], actifs))))
    return preuves


def _verifier() -> str:
    sortie = StringIO()
    call_command("preuves", "verifier", stdout=sortie)
    return sortie.getvalue()


def test_an_intact_chain_verifies(trois_preuves):
    sortie = _verifier()
    assert "intact : 3 maillon(s), 3 fichier(s)" in sortie
    assert TeteJournal.objects.get().empreinte in sortie


def test_a_modified_stored_file_is_detected_and_located(trois_preuves):
    chemin = stockage.chemin_de(trois_preuves[1].sha256)
    os.chmod(chemin, stat.S_IRUSR | stat.S_IWUSR)
    chemin.write_bytes(chemin.read_bytes().replace(b"mise_a_jour", b"creation"))
    with pytest.raises(CommandError, match=r"maillon n° 2 .*: le fichier stocké a été modifié"):
        _verifier()


def test_a_modified_log_row_is_detected_and_located(trois_preuves):
    maillon = MaillonJournal.objects.get(rang=2)
    MaillonJournal.objects.filter(pk=maillon.pk).update(comptes=maillon.comptes.replace('"evenements":', '"evenements":1'))
    with pytest.raises(CommandError, match=r"maillon n° 2 .*le contenu du maillon a été modifié"):
        _verifier()


def test_a_consistently_rewritten_row_breaks_the_next_link(trois_preuves):
    from esms.usages.preuves import journal

    maillon = MaillonJournal.objects.get(rang=2)
    maillon.acteur = "quelqu-un-d-autre"
    maillon.empreinte = journal.empreinte_de(maillon)
    MaillonJournal.objects.filter(pk=maillon.pk).update(acteur=maillon.acteur, empreinte=maillon.empreinte)
    with pytest.raises(CommandError, match=r"maillon n° 3 .*l'empreinte du maillon précédent ne correspond pas"):
        _verifier()


def test_removed_last_entries_disagree_with_the_head(trois_preuves):
    MaillonJournal.objects.filter(rang=3).delete()
    Preuve.objects.filter(pk=trois_preuves[2].pk).update(sha256=trois_preuves[2].sha256)  # row kept
    with pytest.raises(CommandError, match=r"Tête du journal incohérente"):
        _verifier()


def test_a_changed_evidence_row_is_detected(trois_preuves):
    Preuve.objects.filter(pk=trois_preuves[0].pk).update(sha256="0" * 64)
    with pytest.raises(CommandError, match=r"maillon n° 1 .*la preuve enregistrée ne correspond plus"):
        _verifier()


def test_cli_exit_status_is_non_zero_when_broken(trois_preuves, tmp_path):
    """The same through the `esms` script (a separate process reading the test database is not possible
    with SQLite in-transaction tests): check the command maps the failure to exit status 1."""
    chemin = stockage.chemin_de(trois_preuves[0].sha256)
    os.chmod(chemin, stat.S_IRUSR | stat.S_IWUSR)
    chemin.write_bytes(b"altere")
    with pytest.raises(CommandError) as refus:
        _verifier()
    assert refus.value.returncode == 1


@pytest.mark.parametrize("format_", ["csv", "parquet"])
def test_recompute_cli_prints_json_counts(tmp_path, format_):
    lignes = evenements(["010000016", "010000024"], {"010000016": 3, "010000024": 1})
    lignes.append("Z;010000024;2024-11-01T10:00:00+01:00;creation;infirmier")
    lignes.append("Z;010000024;2024-11-02T10:00:00+01:00;creation;infirmier")
    chemin = tmp_path / f"preuve.{format_}"
    chemin.write_bytes(csv_bytes(lignes) if format_ == "csv" else parquet_bytes(lignes))
    sortie = StringIO()
    call_command("usages", "recompute", str(chemin), "--debut", "2024-10-01", "--fin", "2024-12-31", "--json", stdout=sortie)
    assert json.loads(sortie.getvalue()) == {"010000016": 3, "010000024": 2}
    sortie = StringIO()
    call_command("usages", "recompute", str(chemin), "--debut", "2024-10-01", "--fin", "2024-12-31",
                 "--min-ecritures", "2", "--json", stdout=sortie)
    assert json.loads(sortie.getvalue()) == {"010000016": 0, "010000024": 1}
    sortie = StringIO()
    call_command("usages", "recompute", str(chemin), "--debut", "2024-10-01", "--fin", "2024-12-31",
                 "--fenetre-jours", "31", "--json", stdout=sortie)
    assert json.loads(sortie.getvalue()) == {"010000016": 3, "010000024": 1}


def test_recompute_cli_script_reports_a_located_error(tmp_path):
    chemin = tmp_path / "mauvais.csv"
    chemin.write_bytes(csv_bytes(["U1;010000016;hier;creation;infirmier"]))
    resultat = subprocess.run([sys.executable, "-m", "esms.cli", "usages", "recompute", str(chemin), "--debut",
                               "2024-10-01", "--fin", "2024-12-31", "--json"], capture_output=True, text=True,
                              env={**os.environ, "DJANGO_SETTINGS_MODULE": "esms.settings.test"}, timeout=120)
    assert resultat.returncode == 1
    assert "mauvais.csv, ligne 2, colonne « horodatage » : « hier »" in resultat.stderr
    assert Path(chemin).exists()


def test_recompute_refuses_a_finess_with_a_wrong_key(tmp_path):
    """Issue 9, point 3: `esms usages recompute` accepted 590041142."""
    chemin = tmp_path / "preuve.csv"
    chemin.write_bytes(csv_bytes(evenements(["590041142"], {"590041142": 2})))
    with pytest.raises(CommandError, match=r"preuve\.csv, ligne 2, colonne « finess_et » : numéro FINESS « 590041142 » "
                                           r"invalide \(clé de contrôle invalide"):
        call_command("usages", "recompute", str(chemin), "--debut", "2024-10-01", "--fin", "2024-12-31", "--json")


# --- Issue 9, point 4: the chain covers the whole record the ARS sees ---------------------------------

@pytest.mark.parametrize("champ, modification", [
    ("dui_actifs", lambda p: {"resultats": {k: v * 10 for k, v in p.resultats.items()}}),  # 27 → 270 shown to the ARS
    ("evenements", lambda p: {"nb_evenements": p.nb_evenements + 1}),
    ("dui", lambda p: {"nb_dui": p.nb_dui + 5}),
    ("periode", lambda p: {"periode_fin": p.periode_fin.replace(day=30)}),
    ("definition", lambda p: {"fenetre_jours": p.fenetre_jours + 1}),
    ("taille", lambda p: {"taille": p.taille + 1}),
])
def test_a_changed_evidence_record_is_named_record_and_field(trois_preuves, champ, modification):
    preuve = trois_preuves[1]
    Preuve.objects.filter(pk=preuve.pk).update(**modification(preuve))
    with pytest.raises(CommandError, match=rf"maillon n° 2 .*: preuve n° {preuve.pk} « p1\.csv », le champ « {champ} » "
                                           "ne correspond plus"):
        _verifier()


def test_moving_evidence_to_another_dossier_is_detected(trois_preuves, ref, make_user):
    from esms.comptes.models import Role
    from tests.usages.fabrique import construire_dossier

    autre = construire_dossier(ref, make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]),
                               make_user(Role.AGENT_ARS, region="84"))
    Preuve.objects.filter(pk=trois_preuves[0].pk).update(dossier=autre.dossier)
    with pytest.raises(CommandError, match=r"maillon n° 1 .*le champ « dossier » ne correspond plus"):
        _verifier()


def _maillon_format_1(preuve, rang: int, precedent: str) -> MaillonJournal:
    """An entry as the code before issue 9 wrote it (format 1: counts only)."""
    from esms.usages.preuves import journal

    comptes = {"evenements": preuve.nb_evenements, "dui": preuve.nb_dui, "dui_actifs": preuve.resultats,
               "periode": [preuve.periode_debut.isoformat(), preuve.periode_fin.isoformat()],
               "definition": {"ecritures_min": preuve.ecritures_min, "fenetre_jours": preuve.fenetre_jours}}
    maillon = MaillonJournal(rang=rang, precedent=precedent, sha256=preuve.sha256, preuve=preuve,
                             dossier=preuve.dossier.numero, acteur="ancien", horodatage="2024-12-01T10:00:00+00:00",
                             comptes=journal.canonique(comptes), version=1)
    maillon.empreinte = journal.empreinte(rang=rang, precedent=precedent, sha256=preuve.sha256, dossier=maillon.dossier,
                                          acteur="ancien", horodatage=maillon.horodatage, comptes=maillon.comptes)
    maillon.save()
    return maillon


def test_an_old_chain_keeps_verifying_and_new_entries_follow_it(suivi, porteur):
    """Migration path: a chain of format-1 entries (written before) is verified as it is, new format-2 entries
    are chained after it, and a tampered format-1 record is still named, on the fields it logged."""
    premiere = services.deposer_preuve(actor=porteur, dossier=suivi.dossier, nom="a.csv", debut=DEBUT, fin=FIN,
                                       fichier=csv_bytes(evenements(suivi.ets[:2], {suivi.ets[0]: 2})))
    MaillonJournal.objects.all().delete()
    ancien = _maillon_format_1(premiere, 1, "0" * 64)
    TeteJournal.objects.filter(pk=1).update(rang=1, empreinte=ancien.empreinte)
    assert "intact : 1 maillon(s)" in _verifier()
    seconde = services.deposer_preuve(actor=porteur, dossier=suivi.dossier, nom="b.csv", debut=DEBUT, fin=FIN,
                                      fichier=csv_bytes(evenements(suivi.ets[:2], {suivi.ets[1]: 3})))
    nouveau = MaillonJournal.objects.get(preuve=seconde)
    assert (nouveau.version, nouveau.precedent) == (2, ancien.empreinte)
    assert "intact : 2 maillon(s)" in _verifier()
    # flipping a format-2 entry to format 1 to escape the whole-record check breaks its hash
    MaillonJournal.objects.filter(pk=nouveau.pk).update(version=1)
    with pytest.raises(CommandError, match=r"maillon n° 2 .*le contenu du maillon a été modifié"):
        _verifier()
    MaillonJournal.objects.filter(pk=nouveau.pk).update(version=2)
    Preuve.objects.filter(pk=premiere.pk).update(resultats={suivi.ets[0]: 270})
    with pytest.raises(CommandError, match=rf"maillon n° 1 .*preuve n° {premiere.pk} « a\.csv », le champ « dui_actifs »"):
        _verifier()
