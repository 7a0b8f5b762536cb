"""The audit log is readable (issue 16, item 5): French labels, before/after changes, filters (period, actor,
action, object), pagination and an export — never a raw Python dictionary."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from esms.comptes import audit
from esms.comptes.models import AuditEvent, Role


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN_NATIONAL, username="admin-journal")


@pytest.fixture
def evenements(admin, ref):
    retenu = audit.record(actor=admin, action="dossiers.retenir", object_type="candidatures.Dossier", object_id="7",
                          object_repr="2024-84-00007", before={"etat": "en_instruction"},
                          after={"etat": "retenu", "montant_retenu": "425000"}, comment="Comité du 12/11")
    membres = audit.record(actor=None, action="grappes.ajouter_membres", object_type="candidatures.Grappe",
                           object_id="3", object_repr="Grappe de l'Ain",
                           after={"membres": ["010000001", "010000002"], "proposes": []})
    ancien = audit.record(actor=admin, action="enveloppes.doter", object_type="financement.Enveloppe", object_id="1",
                          object_repr="Enveloppe ARA", after={"montant": 1000})
    AuditEvent.objects.filter(pk=ancien.pk).update(created_at=timezone.now() - timedelta(days=40))
    return retenu, membres, ancien


def test_libelles_et_changements_sans_dictionnaire(client, admin, evenements):
    client.force_login(admin)
    page = client.get(reverse("comptes:audit")).content.decode()
    assert "Dossier retenu" in page and "Ajout d&#x27;établissements" in page
    assert "<del>en_instruction</del> → <ins>retenu</ins>" in page
    assert "Montant retenu (€)" in page and "010000001, 010000002" in page
    assert "{&#x27;" not in page and "{'" not in page  # no raw dictionary


def test_filtres_periode_acteur_action_objet(client, admin, evenements):
    retenu, membres, ancien = evenements
    client.force_login(admin)
    url = reverse("comptes:audit")

    def pks(**params):
        return {ligne["e"].pk for ligne in client.get(url, params).context["lignes"]}

    il_y_a_10_jours = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert pks(debut=il_y_a_10_jours) >= {retenu.pk, membres.pk} and ancien.pk not in pks(debut=il_y_a_10_jours)
    assert ancien.pk in pks(fin=(timezone.localdate() - timedelta(days=30)).strftime("%d/%m/%Y"))
    assert membres.pk in pks(acteur="système") and retenu.pk not in pks(acteur="système")
    assert {retenu.pk, ancien.pk} <= pks(acteur="admin-journal") and membres.pk not in pks(acteur="admin-journal")
    assert pks(action="dossiers.retenir") == {retenu.pk}
    assert pks(objet="financement.Enveloppe") == {ancien.pk}
    reponse = client.get(url, {"debut": "demain"})
    assert "champ « Du »" in reponse.content.decode()


def test_pagination_garde_les_filtres(client, admin):
    for i in range(60):
        audit.record(actor=admin, action="dossiers.annoter", object_type="candidatures.Dossier", object_id=str(i),
                     object_repr=f"D{i}", after={"annotation": i})
    client.force_login(admin)
    page1 = client.get(reverse("comptes:audit"), {"action": "dossiers.annoter"})
    assert len(page1.context["lignes"]) == 50 and "action=dossiers.annoter&amp;page=2" in page1.content.decode()
    page2 = client.get(reverse("comptes:audit"), {"action": "dossiers.annoter", "page": 2})
    assert len(page2.context["lignes"]) == 10


def test_export_csv_lisible_et_filtre(client, admin, evenements):
    client.force_login(admin)
    reponse = client.get(reverse("comptes:audit_export", args=["csv"]), {"action": "dossiers.retenir"})
    assert reponse.status_code == 200
    texte = reponse.content.decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";" if ";" in texte.splitlines()[0] else ","))
    assert lignes[0][:3] == ["Date", "Acteur", "Action"]
    assert len(lignes) == 2
    assert lignes[1][2] == "Dossier retenu"
    assert "État : en_instruction → retenu" in lignes[1][7] and "Montant retenu (€) : 425000" in lignes[1][7]
    assert "{" not in texte


def test_le_journal_est_reserve_a_l_administration_nationale(client, ref, make_user):
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    assert client.get(reverse("comptes:audit_export", args=["csv"])).status_code == 403
