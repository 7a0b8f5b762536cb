"""Register pages: list and search for every role, import and edits for national administrators only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from esms.comptes.models import AuditEvent, Role
from esms.referencement import services
from esms.referencement.models import Solution
from tests.referencement.fichiers import ENTETE_REGISTRE, LIGNES_REGISTRE, csv_fichier

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN_NATIONAL)


@pytest.fixture
def registre(admin):
    services.importer_registre(actor=admin, fichier=csv_fichier(ENTETE_REGISTRE, LIGNES_REGISTRE), nom="a.csv")


def test_import_par_la_page_et_refus_situe(client, admin):
    client.force_login(admin)
    lignes = [list(LIGNES_REGISTRE[0])]
    lignes[0][1] = "732829321"
    reponse = client.post(reverse("referencement:importer"), {"fichier": csv_fichier(ENTETE_REGISTRE, lignes)})
    assert reponse.status_code == 400
    assert "registre.csv, ligne 2, colonne « siren » : SIREN 732829321 : clé de contrôle invalide" in \
        reponse.content.decode()
    assert not Solution.objects.exists()
    reponse = client.post(reverse("referencement:importer"),
                          {"fichier": csv_fichier(ENTETE_REGISTRE, LIGNES_REGISTRE)}, follow=True)
    assert "4 solution(s) créée(s)" in reponse.content.decode()


def test_liste_recherche_et_filtres(client, make_user, ref, registre):
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara]))
    page = client.get(reverse("referencement:registre"), {"q": "alpha"}).content.decode()
    assert "Alpha DUI" in page and "Bêta Social" not in page
    assert "Importer la liste" not in page  # only national administrators import
    page = client.get(reverse("referencement:registre"), {"secteur": "ahi"}).content.decode()
    assert "4.0" in page and "3.2" not in page


def test_un_porteur_ne_peut_ni_importer_ni_modifier(client, make_user, ref, registre):
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara]))
    solution = Solution.objects.first()
    assert client.post(reverse("referencement:importer"), {}).status_code == 403
    assert client.post(reverse("referencement:modifier", args=[solution.pk]), {}).status_code == 403


def test_modification_versionnee_et_auditee(client, admin, registre):
    client.force_login(admin)
    solution = Solution.objects.get(nom="Alpha DUI", version="3.2")
    reponse = client.post(reverse("referencement:modifier", args=[solution.pk]), {
        "vague": "1", "secteurs": ["personnes_agees"], "date_referencement": "2022-06-15", "statut": "retiree",
        "date_retrait": "2025-01-31", "motif": "Retrait publié par l'ANS"}, follow=True)
    assert reponse.status_code == 200
    solution.refresh_from_db()
    assert solution.statut == "retiree" and solution.secteurs == ["personnes_agees"]
    assert list(solution.historique.values_list("numero", flat=True)) == [2, 1]
    evenement = AuditEvent.objects.get(action="referencement.modifier")
    assert evenement.before["statut"] == "referencee" and evenement.after["statut"] == "retiree"
    assert "Retrait publié par l&#x27;ANS" in reponse.content.decode()


def test_modification_refusee_sans_date_de_retrait(client, admin, registre):
    client.force_login(admin)
    solution = Solution.objects.get(nom="Alpha DUI", version="3.2")
    reponse = client.post(reverse("referencement:modifier", args=[solution.pk]), {
        "vague": "1", "secteurs": ["personnes_agees"], "date_referencement": "2022-06-15", "statut": "retiree",
        "motif": "Retrait"})
    assert reponse.status_code == 400
    assert "Une solution retirée doit avoir une date de retrait." in reponse.content.decode()
    assert solution.historique.count() == 1


def test_compte_editeur_lie_a_ses_solutions(client, admin, make_user, ref, registre):
    client.force_login(admin)
    solution = Solution.objects.get(nom="Alpha DUI", version="3.2")
    porteur = make_user(Role.RESPONSABLE_OG, username="porteur-x", organismes=[ref.og_ara])
    reponse = client.post(reverse("referencement:lier_compte", args=[solution.pk]), {"compte": "porteur-x"})
    assert reponse.status_code == 400 and "rôle « éditeur de DUI »" in reponse.content.decode()
    editeur = make_user(Role.EDITEUR, username="api-alpha", etablissements=[ref.et_ara[0]])
    client.post(reverse("referencement:lier_compte", args=[solution.pk]), {"compte": "api-alpha"})
    assert list(solution.editeur.comptes.all()) == [editeur]
    assert not porteur.editeurs_dui.exists()


def test_choix_htmx(client, make_user, ref, registre):
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara]))
    fragment = client.get(reverse("referencement:choisir"), {"q": "gamma"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Gamma Hôpital 7" in fragment and "couloir hospitalier" in fragment
    assert "Tapez au moins deux caractères" in client.get(reverse("referencement:choisir"), {"q": "g"}).content.decode()
