"""Precomputed aggregates: pages and API read the stored row (never a recomputation), a change made through a
service marks the affected rows stale and queues exactly one task per row, the task computes and stores, the
permission layer picks the perimeter before reading, and a stale page says so."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from esms.comptes.permissions import SYSTEME
from esms.financement import services as financement
from esms.financement.models import Enveloppe
from esms.pilotage import agregats, impacts, rafraichir
from esms.pilotage.models import NATIONAL, Agregat
from esms.pilotage.taches import recalculer_agregat

FILE_FACTICE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def file_factice(settings):
    """Tasks are queued, not run: the test sees what was queued."""
    settings.TASKS = FILE_FACTICE
    from django_tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend


def _calculer(*perimetres: str, campagnes: tuple[str, ...] = ("",)) -> None:
    rafraichir.recalculer_tout(perimetres_=list(perimetres), campagnes_=list(campagnes))


def test_pages_and_api_read_the_stored_aggregate(client, utilisateurs, jeu, monkeypatch):
    _calculer(NATIONAL, "84")
    monkeypatch.setattr(agregats, "donnees_du_perimetre", lambda **_: pytest.fail("recalcul pendant une lecture"))
    client.force_login(utilisateurs.admin)
    for chemin in (reverse("pilotage:accueil"), reverse("pilotage:region", args=["84"]),
                   reverse("statistiques:accueil"), reverse("pilotage:export", args=["regions", "csv"])):
        assert client.get(chemin).status_code == 200, chemin
    page = client.get(reverse("pilotage:accueil")).content.decode()
    assert "à jour" in page and "mise à jour en cours" not in page


def test_the_task_computes_and_stores(jeu):
    row = Agregat.objects.create(perimetre="84", campagne="2024")
    assert recalculer_agregat.call(agregat_id=row.pk) is True
    row.refresh_from_db()
    assert row.contenu["donnees"]["indicateurs"] == agregats.donnees_du_perimetre(
        region="84", campagne="2024")["indicateurs"]
    assert row.version_calculee == row.version and row.jeton == "" and row.calcule_le is not None
    assert row.contenu["pages"]["statistiques"] is None  # the public page is national only
    assert recalculer_agregat.call(agregat_id=row.pk) is True  # up to date: left as it is
    assert Agregat.objects.get(pk=row.pk).calcule_le == row.calcule_le


def test_a_service_change_marks_stale_and_queues_one_task_per_aggregate(jeu, file_factice, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    monkeypatch.setattr(rafraichir, "campagnes", lambda: ["", "2023", "2024"])
    monkeypatch.setattr(rafraichir, "perimetres", lambda: [NATIONAL, "84", "11"])
    monkeypatch.setattr(agregats, "calculer", lambda **perim: {"donnees": agregats.donnees_du_perimetre(**perim)})
    rafraichir.recalculer_tout()
    enveloppe = Enveloppe.objects.get(campagne=jeu.c24, region=jeu.ref.ara)
    for _ in range(2):  # twice: still one task per aggregate
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            financement.doter(actor=SYSTEME, enveloppe=enveloppe, montant=1_000, libelle="Complément")
    touches = {(NATIONAL, ""), (NATIONAL, "2024"), ("84", ""), ("84", "2024")}
    for row in Agregat.objects.all():
        assert rafraichir._a_jour(row) is ((row.perimetre, row.campagne) not in touches), row
    queued = sorted(r.kwargs["agregat_id"] for r in file_factice.results)
    assert queued == sorted(Agregat.objects.filter(planifie_le__isnull=False).values_list("pk", flat=True))
    assert len(queued) == len(touches)
    for pk in queued:
        recalculer_agregat.call(agregat_id=pk)
    assert all(rafraichir._a_jour(row) for row in Agregat.objects.all())
    national = Agregat.objects.get(perimetre=NATIONAL, campagne="2024")
    ligne = next(e for e in national.contenu["donnees"]["enveloppes"] if e["region"] == "84")
    assert ligne["dotation"] == 500_000 + 2_000


def test_a_conversation_changes_no_aggregate():
    assert impacts.affecte("dossiers.instruire") and impacts.affecte("enveloppes.doter")
    assert impacts.affecte("usages.valider") and impacts.affecte("referentiel.importer")
    assert not impacts.affecte("dossiers.message") and not impacts.affecte("dossiers.annoter")
    assert not impacts.affecte("usages.deposer_preuve.refus") and not impacts.affecte("comptes.connexion")
    # labelling a dossier or downloading it changes no figure: no recomputation of the dashboards
    assert not impacts.affecte("dossiers.etiqueter") and not impacts.affecte("dossiers.telecharger")


def test_a_multiregional_dossier_affects_each_of_its_regions(jeu):
    perimetres, campagnes = impacts.perimetre_de("candidatures.Dossier", str(jeu.dossiers.multi.pk),
                                                 "dossiers.instruire")
    assert perimetres == [NATIONAL, "11", "84"] and campagnes == ["", "2024"]
    assert impacts.perimetre_de("candidatures.Dossier", str(jeu.dossiers.multi.pk), "usages.valider")[1] is None
    assert impacts.perimetre_de("referentiel.ImportFiness", "1", "referentiel.importer") == (None, None)


def test_a_stale_page_shows_the_last_figures_and_does_not_compute(client, utilisateurs, jeu, file_factice,
                                                                   monkeypatch):
    _calculer(NATIONAL)
    Agregat.objects.filter(perimetre=NATIONAL, campagne="").update(version=99)
    monkeypatch.setattr(agregats, "donnees_du_perimetre", lambda **_: pytest.fail("recalcul pendant une lecture"))
    client.force_login(utilisateurs.admin)
    page = client.get(reverse("pilotage:accueil")).content.decode()
    row = Agregat.objects.get(perimetre=NATIONAL, campagne="")
    quand = timezone.localtime(row.calcule_le)
    assert f"Chiffres calculés le {quand:%d/%m/%Y} à {quand:%H:%M} — mise à jour en cours" in page
    assert "tableau-regions" in page  # the last figures are shown
    assert [r.kwargs["agregat_id"] for r in file_factice.results] == [row.pk]
    client.get(reverse("pilotage:accueil"))
    assert len(file_factice.results) == 1  # already queued: not again
    reponse = client.get("/api/v1/pilotage/indicateurs", HTTP_AUTHORIZATION="Bearer x")
    assert reponse.status_code == 401


def test_an_absent_aggregate_is_computed_once_on_first_reading(client, utilisateurs, jeu):
    assert not Agregat.objects.exists()
    client.force_login(utilisateurs.ars_ara)
    assert client.get(reverse("pilotage:region", args=["84"])).status_code == 200
    assert list(Agregat.objects.values_list("perimetre", "campagne")) == [("84", "")]
    assert rafraichir._a_jour(Agregat.objects.get())


def test_the_perimeter_is_resolved_before_reading(client, utilisateurs, jeu):
    """An ARS agent reads its region's row; the national row (here marked) is never served to it."""
    _calculer(NATIONAL, "84")
    row = Agregat.objects.get(perimetre=NATIONAL, campagne="")
    row.contenu["pages"]["tableau_de_bord"]["sections"][0]["titre"] = "MARQUE NATIONALE"
    row.save()
    client.force_login(utilisateurs.ars_ara)
    reponse = client.get(reverse("pilotage:accueil"), follow=True)
    assert reponse.redirect_chain[-1][0] == reverse("pilotage:region", args=["84"])
    assert "MARQUE NATIONALE" not in reponse.content.decode()
    client.force_login(utilisateurs.admin)
    assert "MARQUE NATIONALE" in client.get(reverse("pilotage:accueil")).content.decode()
