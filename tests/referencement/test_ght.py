"""GHT membership: declared by the region's ARS agent with its source, or read from the FINESS+ GCC groups; sent
to the rules (`ght`), where it opens the hospital-corridor exception of the software rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from esms.candidatures import regles
from esms.comptes.models import AuditEvent, Role
from esms.referencement import ght
from esms.referencement.models import AppartenanceGht
from esms.referentiel.models import GroupeFiness, MembreGroupe
from esms.refus import Refus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ref(ref):
    """The organismes located (an ARS agent declares for the organismes of its region)."""
    ref.og_ara.departement, ref.og_corse.departement = ref.ain, ref.csud
    ref.og_ara.save()
    ref.og_corse.save()
    return ref


def test_declaration_par_l_ars_de_la_region(ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    with pytest.raises(PermissionDenied):
        ght.declarer(actor=make_user(Role.AGENT_ARS, region="94"), finess_ej=ref.og_ara.pk, nom_ght="GHT", justificatif="x")
    with pytest.raises(Refus) as refus:
        ght.declarer(actor=agent, finess_ej=ref.og_ara.pk, nom_ght=" ", justificatif="")
    assert len(refus.value.messages) == 2 and not AppartenanceGht.objects.exists()
    appartenance = ght.declarer(actor=agent, finess_ej=ref.og_ara.pk, nom_ght="GHT Bresse Haut-Bugey",
                                justificatif="Convention constitutive du 1er juillet 2016")
    assert appartenance.source == AppartenanceGht.Source.DECLARATION and appartenance.declare_par == agent
    assert AuditEvent.objects.filter(action="referencement.declarer_ght").count() == 1
    assert ght.organismes_en_ght([ref.og_ara.pk, ref.og_corse.pk]) == {ref.og_ara.pk}


def test_lecture_des_groupes_finess_plus(ref, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    ref.og_ara.pm_smsse_id, ref.og_corse.pm_smsse_id = "101", "202"
    ref.og_ara.save()
    ref.og_corse.save()
    autre = factories.organisme("01", "Centre hospitalier")
    autre.pm_smsse_id = "303"
    autre.save()
    ght_77 = GroupeFiness.objects.create(identifiant="GCC-1", type_groupe="GCC", nom="77 Nord", code_type="001")
    autre_type = GroupeFiness.objects.create(identifiant="GCC-2", type_groupe="GCC", nom="Autre", code_type="002")
    MembreGroupe.objects.create(groupe=ght_77, pm_smsse_id="101", role="M")
    MembreGroupe.objects.create(groupe=ght_77, pm_smsse_id="303", role="M")
    MembreGroupe.objects.create(groupe=autre_type, pm_smsse_id="202", role="M")
    ght.declarer(actor=admin, finess_ej=autre.pk, nom_ght="GHT déclaré", justificatif="ARS")
    assert ght.importer_finess_plus(actor=admin) == {"ajoutees": 1, "modifiees": 0, "retirees": 0}
    lue = AppartenanceGht.objects.get(organisme=ref.og_ara)
    assert (lue.nom_ght, lue.source, lue.groupe) == ("77 Nord", AppartenanceGht.Source.FINESS_PLUS, ght_77)
    assert "GCC-1" in lue.justificatif
    assert AppartenanceGht.objects.get(organisme=autre).nom_ght == "GHT déclaré"  # a declaration is kept
    assert not AppartenanceGht.objects.filter(organisme=ref.og_corse).exists()  # not a GHT type
    MembreGroupe.objects.filter(pm_smsse_id="101").delete()
    assert ght.importer_finess_plus(actor=admin)["retirees"] == 1
    with pytest.raises(PermissionDenied):
        ght.importer_finess_plus(actor=make_user(Role.AGENT_ARS, region="84"))


def test_l_exception_ght_du_couloir_hospitalier(ref, make_user):
    factories.version_parametres(factories.campagne("2024"))
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15))
    solution = dossier.grappe.solution
    solution.couloir = "hospitalier"
    solution.save()

    def logiciel() -> dict:
        return next(m for m in regles.evaluer(dossier.grappe)["motifs"] if m["rule"] == "grappe.logiciel")

    assert logiciel()["ok"] is False and "GHT" in logiciel()["message"]
    assert regles.entree(dossier.grappe, submitted_at=dossier.grappe.creee_le)["members"][0]["ght"] is False
    ght.declarer(actor=make_user(Role.AGENT_ARS, region="84"), finess_ej=ref.og_ara.pk, nom_ght="GHT de l'Ain",
                 justificatif="Convention constitutive")
    assert logiciel()["ok"] is True


def test_page_des_ght(client, ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    client.force_login(agent)
    reponse = client.post("/referencement/ght/declarer/", {"finess_ej": ref.og_ara.pk, "nom_ght": "GHT de l'Ain",
                                                          "justificatif": "Convention"})
    assert reponse.status_code == 302
    page = client.get("/referencement/ght/").content.decode()
    assert "GHT de l&#x27;Ain" in page and "Déclaration (ARS ou administration nationale) — Convention" in page
    assert "Lire les groupes FINESS+" not in page  # national administrators only
    reponse = client.post("/referencement/ght/declarer/", {"finess_ej": "999999999", "nom_ght": "x",
                                                          "justificatif": "y"})
    assert reponse.status_code == 409 and "aucun organisme gestionnaire" in reponse.content.decode()
    appartenance = AppartenanceGht.objects.get()
    assert client.post(f"/referencement/ght/{appartenance.pk}/retirer/").status_code == 302
    assert not AppartenanceGht.objects.exists()
