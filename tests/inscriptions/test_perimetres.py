"""Who may do what on accounts and claims, decided by `comptes.permissions.decide` (scopes registered in
`comptes/apps.py`): a claim's document is read by its claimant and the region's agents only; an ARS agent administers
only the accounts wholly in its region; an account without a role may claim and nothing else; the second-factor
pages are the national administrators'."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esms.comptes.models import Rattachement, Role, User
from esms.comptes.permissions import decide
from esms.inscriptions import selectors as inscription_selectors
from esms.inscriptions import services as inscription
from tests import factories

pytestmark = pytest.mark.django_db


def _inscrit(email: str) -> User:
    return User.objects.create_user(username=email, email=email, password="mot-de-passe-test-1")


def _demande(demandeur: User, ref) -> Rattachement:
    return inscription.demander_rattachement(
        actor=demandeur, type="organisme", organisme=ref.og_ara.pk, fonction="Présidente",
        justificatif=SimpleUploadedFile("delegation.pdf", b"%PDF-1.4\n", content_type="application/pdf"))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_claim_document_is_read_by_its_claimant_and_the_region_s_agents_only(client, ref, make_user, media):
    demandeur = _inscrit("claire@asso-ain.example")
    demande = _demande(demandeur, ref)
    url = reverse("inscriptions:rattachement_justificatif", args=[demande.pk])
    lecteurs = {"demandeur": demandeur, "agent de la région": make_user(Role.AGENT_ARS, region="84"),
                "administrateur national": make_user(Role.ADMIN_NATIONAL)}
    for qui, user in lecteurs.items():
        client.force_login(user)
        assert client.get(url).status_code == 200, qui
    refuses = {
        "autre inscrit": _inscrit("autre@asso.example"),
        # Even the organisme's porteur: the document is the claimant's, not the organisme's.
        "porteur de l'organisme": make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]),
        "gestionnaire de la région": make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[ref.et_ara[0].pk]),
        "agent d'une autre région": make_user(Role.AGENT_ARS, region="94"),
        "éditeur": make_user(Role.EDITEUR, etablissements=[ref.et_ara[0].pk]),
    }
    for qui, user in refuses.items():
        client.force_login(user)
        assert client.get(url).status_code in (403, 404), qui
        assert not decide(user, "comptes.justificatif", demande), qui
    client.logout()
    assert client.get(url).status_code == 302


def test_an_account_without_a_role_claims_and_does_nothing_else(client, ref, make_user):
    inscrit = _inscrit("claire@asso-ain.example")
    assert decide(inscrit, "comptes.rattacher")
    assert not decide(inscrit, "candidatures.consulter") and not decide(inscrit, "comptes.inviter")
    inscrit.is_active = False
    assert not decide(inscrit, "comptes.rattacher")
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]))
    assert client.get(reverse("inscriptions:rattachement_nouveau")).status_code == 200
    for role, portee in ((Role.AGENT_ARS, {"region": "84"}), (Role.ADMIN_NATIONAL, {}),
                         (Role.EDITEUR, {"etablissements": [ref.et_ara[0].pk]})):
        client.force_login(make_user(role, **portee))
        assert client.get(reverse("inscriptions:rattachement_nouveau")).status_code == 403, role


def test_an_agent_administers_only_the_accounts_wholly_in_its_region(client, ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    dans_la_region = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    # A porteur of an organisme in ARA and of another in Corse: the ARA agent must not strip its Corse scope.
    a_cheval = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk, ref.og_corse.pk])
    gestionnaire_a_cheval = make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[ref.et_ara[0].pk, ref.et_corse[0].pk])
    collegue = make_user(Role.AGENT_ARS, region="84")
    inscrit_avec_demande = _inscrit("claire@asso-ain.example")
    Rattachement.objects.create(demandeur=inscrit_avec_demande, type="organisme", organisme=ref.og_ara,
                                region=ref.ara, fonction="x", justificatif="justificatifs/x.pdf")
    inscrit_sans_demande = _inscrit("personne@asso.example")
    assert set(inscription_selectors.comptes_visibles(agent)) == {dans_la_region, inscrit_avec_demande}
    for user in (a_cheval, gestionnaire_a_cheval, collegue, inscrit_sans_demande, agent):
        assert not decide(agent, "comptes.administrer", user), user
        client.force_login(agent)
        assert client.get(reverse("inscriptions:gestion_compte", args=[user.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        inscription.modifier_habilitations(actor=agent, user=a_cheval, role=Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    assert set(a_cheval.organismes.values_list("pk", flat=True)) == {ref.og_ara.pk, ref.og_corse.pk}
    with pytest.raises(PermissionDenied):
        inscription.changer_activation(actor=agent, user=collegue, actif=False)
    assert decide(agent, "comptes.administrer", dans_la_region)
    # A national administrator administers every account.
    admin = make_user(Role.ADMIN_NATIONAL)
    assert all(decide(admin, "comptes.administrer", u) for u in (a_cheval, collegue, agent))


def test_an_organisme_without_departement_is_in_the_region_of_its_establishments(ref, make_user):
    assert ref.og_ara.departement_id is None  # a stub created from the establishments file
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    assert decide(make_user(Role.AGENT_ARS, region="84"), "comptes.administrer", porteur)
    assert not decide(make_user(Role.AGENT_ARS, region="94"), "comptes.administrer", porteur)
    ref.og_ara.departement = ref.csud
    ref.og_ara.save()
    assert decide(make_user(Role.AGENT_ARS, region="94"), "comptes.administrer", porteur)


def test_invitations_only_to_an_organisme_one_represents(ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    refus = decide(porteur, "comptes.inviter", ref.og_corse)
    assert refus.code == "hors_perimetre"
    with pytest.raises(PermissionDenied):
        inscription.inviter(actor=porteur, organisme=ref.og_corse.pk, email="x@y.example")


@pytest.mark.parametrize("page", ["comptes:otp", "comptes:otp_enrolement"])
def test_second_factor_pages_belong_to_national_administrators(client, ref, page):
    client.force_login(factories.make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]))
    assert client.get(reverse(page)).status_code == 403
    client.force_login(factories.make_user(Role.ADMIN_NATIONAL))
    assert client.get(reverse(page)).status_code in (200, 302)


def test_my_account_offers_what_decide_allows(client, ref, make_user, media):
    demandeur = _inscrit("claire@asso-ain.example")
    demande = _demande(demandeur, ref)
    client.force_login(demandeur)
    page = client.get(reverse("comptes:mon_compte")).content.decode()
    assert "Demander un rattachement" in page and "Inviter un collègue" not in page
    assert reverse("inscriptions:rattachement_justificatif", args=[demande.pk]) in page
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]))
    page = client.get(reverse("comptes:mon_compte")).content.decode()
    assert "Inviter un collègue" in page
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    page = client.get(reverse("comptes:mon_compte")).content.decode()
    assert "Demander un rattachement" not in page and "Inviter un collègue" not in page


def test_an_invitation_is_accepted_by_its_addressee_only(client, ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    invitation = inscription.inviter(actor=porteur, organisme=ref.og_ara.pk, email="collegue@asso-ain.example")
    url = reverse("inscriptions:invitation", args=[invitation.jeton])
    intrus = _inscrit("intrus@asso.example")
    client.force_login(intrus)
    page = client.get(url).content.decode()
    assert "adressée à collegue@asso-ain.example" in page and "Accepter l'invitation" not in page
    assert client.post(url).status_code == 403
    assert not intrus.organismes.exists()
    destinataire = _inscrit("collegue@asso-ain.example")
    client.force_login(destinataire)
    assert "Accepter l'invitation" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert list(destinataire.organismes.values_list("pk", flat=True)) == [ref.og_ara.pk]


def test_an_account_without_a_role_sees_nothing_but_its_own_claims(ref, media):
    from esms.comptes.models import Courriel
    from esms.comptes.permissions import filter_scope
    from esms.referentiel.models import Etablissement

    inscrit = _inscrit("claire@asso-ain.example")
    demande = _demande(inscrit, ref)
    _demande(_inscrit("autre@asso.example"), ref)
    assert list(filter_scope(inscrit, Rattachement.objects.all())) == [demande]
    assert not filter_scope(inscrit, Etablissement.objects.all()).exists()
    assert not filter_scope(inscrit, Courriel.objects.all()).exists()  # a model without scope: nothing, no error
