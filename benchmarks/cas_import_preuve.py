"""One case of `benchmarks/televersements.py`, run by pytest in its own process because it needs the test
database and fixtures: the gzip file named by `ESMS_BENCH_FICHIER` is posted as evidence through the usage page
of a dossier in usage follow-up (the whole import path: request, upload handler, reception, task, checks).
Prints one JSON line: seconds, peak memory of the process (VmHWM), the processing's state and reasons, and the
audit events written. Not a test of the suite (`testpaths` is `tests`)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.urls import reverse
from tests.conftest import django_db_setup, double_facteur_des_tests, make_user, ref  # noqa: F401 (fixtures)
from tests.usages.conftest import agent, porteur, suivi  # noqa: F401 (fixtures)
from tests.usages.fabrique import DEBUT, FIN

from esms.comptes.models import AuditEvent
from esms.usages.models import Preuve, TraitementPreuve


def _pic_mo() -> int:
    with open("/proc/self/status") as statut:
        return int(next(ligne.split()[1] for ligne in statut if ligne.startswith("VmHWM"))) // 1024


def test_bombe_par_le_chemin_d_import(client, suivi, porteur, settings, tmp_path):  # noqa: F811 (fixtures)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ESMS_PREUVE_SEUIL_ARRIERE_PLAN = 0  # the task path, as for any large file
    chemin = Path(os.environ["ESMS_BENCH_FICHIER"])
    client.force_login(porteur)
    avant = _pic_mo()
    debut = time.perf_counter()
    with open(chemin, "rb") as flux:
        reponse = client.post(reverse("usages:deposer_preuve", args=[suivi.dossier.pk]),
                              {"fichier": flux, "debut": DEBUT.isoformat(), "fin": FIN.isoformat()})
    duree = time.perf_counter() - debut
    traitement = TraitementPreuve.objects.get()
    audits = list(AuditEvent.objects.filter(action__startswith="usages.").exclude(action="usages.programmer_preuve")
                  .values_list("action", flat=True))
    print(json.dumps({"secondes": round(duree, 2), "pic_mo": _pic_mo(), "pic_avant_mo": avant,
                      "statut_http": reponse.status_code, "etat": traitement.etat, "raisons": traitement.raisons,
                      "audit": audits, "preuves": Preuve.objects.count(),
                      "fichiers_restants": sum(1 for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())}))
    assert traitement.etat == TraitementPreuve.Etat.REFUSE and audits and not Preuve.objects.exists()
