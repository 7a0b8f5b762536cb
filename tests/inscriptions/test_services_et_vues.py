"""Self-service: sign-up with e-mail verification, claims validated in the region, invitations, deactivation,
and account administration by national administrators and ARS agents. Everything audited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esms.comptes.models import AuditEvent, Rattachement, Role, User
from esms.inscriptions import selectors as inscription_selectors
from esms.inscriptions import services as inscription

MDP = "Une-phrase-de-passe-solide-42"


def _pdf(nom="delegation.pdf", taille=200):
    return SimpleUploadedFile(nom, b"%PDF-1.4\n" + b"x" * taille, content_type="application/pdf")


def _lien(message, motif: str) -> str:
    return re.search(rf"https?://[^/\s]+({motif}\S+/)", message.body).group(1)


def _inscrire(client, email="camille@asso-ain.example"):
    return client.post(reverse("inscriptions:inscription"), {"email": email, "prenom": "Camille", "nom": "Martin",
                                                       "mot_de_passe": MDP})


def test_sign_up_needs_the_verification_link(client, ref, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert "Vérifiez votre messagerie" in _inscrire(client).content.decode()
    user = User.objects.get(email="camille@asso-ain.example")
    assert not user.is_active and user.role == "" and not user.email_verifie
    assert client.post(reverse("comptes:login"), {"username": user.username, "password": MDP}).status_code == 200
    [message] = mail.outbox
    assert "Confirmez votre adresse" in message.subject
    lien = _lien(message, "/comptes/inscription/verification/")
    client.get(lien)
    user.refresh_from_db()
    assert user.is_active and user.email_verifie
    assert "Ce lien de vérification a déjà servi" in client.get(lien, follow=True).content.decode()
    assert client.post(reverse("comptes:login"), {"username": user.username, "password": MDP}).status_code == 302
    # No role yet: nothing is reachable but one's own account.
    assert client.get(reverse("candidatures:liste")).status_code == 403
    assert AuditEvent.objects.filter(action="comptes.email_verifie", actor=user).exists()


def test_sign_up_refuses_weak_password_and_known_address(client, ref, make_user):
    make_user(Role.AGENT_ARS, region="84", email="deja@ars.example")
    html = client.post(reverse("inscriptions:inscription"), {"email": "x@y.example", "prenom": "A", "nom": "B",
                                                        "mot_de_passe": "123"}).content.decode()
    assert "trop court" in html
    assert "Un compte existe déjà" in _inscrire(client, "DEJA@ars.example").content.decode()
    assert not User.objects.filter(email="x@y.example").exists()


def test_expired_verification_link(ref, settings, monkeypatch):
    import time

    from django.core import signing

    user = inscription.inscrire(email="a@b.example", prenom="A", nom="B", mot_de_passe=MDP)
    jeton = signing.dumps({"u": user.pk, "e": user.email}, salt=inscription.SEL_VERIFICATION)
    plus_tard = time.time() + settings.ESMS_VERIFICATION_JOURS * 86400 + 60
    monkeypatch.setattr(signing.time, "time", lambda: plus_tard)
    with pytest.raises(ValidationError, match="expiré"):
        inscription.verifier_email(jeton=jeton)


def test_signing_up_again_with_an_unverified_address_starts_over(ref, settings, monkeypatch, make_user):
    import time

    from django.core import signing

    premier = inscription.inscrire(email="a@b.example", prenom="Quelqu'un", nom="D'autre", mot_de_passe=MDP)
    plus_tard = time.time() + settings.ESMS_VERIFICATION_JOURS * 86400 + 60
    monkeypatch.setattr(signing.time, "time", lambda: plus_tard)  # the first link has expired
    user = inscription.inscrire(email="A@b.example", prenom="Alice", nom="Bernard", mot_de_passe=MDP + "!")
    assert user.pk == premier.pk and user.get_full_name() == "Alice Bernard" and user.check_password(MDP + "!")
    jeton = signing.dumps({"u": user.pk, "e": user.email}, salt=inscription.SEL_VERIFICATION)
    assert inscription.verifier_email(jeton=jeton).is_active
    assert AuditEvent.objects.filter(action="comptes.inscription", object_id=str(user.pk)).count() == 2
    # A verified (or already used) account is never taken over.
    with pytest.raises(ValidationError, match="Un compte existe déjà"):
        inscription.inscrire(email="a@b.example", prenom="X", nom="Y", mot_de_passe=MDP)
    desactive = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], email="porteur@og.example")
    desactive.is_active = False  # deactivated after use
    desactive.save()
    with pytest.raises(ValidationError, match="Un compte existe déjà"):
        inscription.inscrire(email="porteur@og.example", prenom="X", nom="Y", mot_de_passe=MDP)


def _nouvel_inscrit(email="camille@asso-ain.example"):
    user = inscription.inscrire(email=email, prenom="Camille", nom="Martin", mot_de_passe=MDP)
    user.is_active = user.email_verifie = True
    user.save()
    return user


def test_claim_is_validated_by_an_agent_of_the_region_only(ref, make_user):
    demandeur = _nouvel_inscrit()
    demande = inscription.demander_rattachement(actor=demandeur, type="organisme", organisme=ref.og_ara.pk,
                                                fonction="Directrice générale", justificatif=_pdf())
    assert demande.region_id == "84" and demande.statut == Rattachement.Statut.EN_ATTENTE
    demandeur.refresh_from_db()
    assert demandeur.role == "" and not demandeur.organismes.exists()
    agent_corse = make_user(Role.AGENT_ARS, region="94")
    with pytest.raises(PermissionDenied):
        inscription.decider_rattachement(actor=agent_corse, rattachement=demande, valider=True)
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    with pytest.raises(PermissionDenied):
        inscription.decider_rattachement(actor=porteur, rattachement=demande, valider=True)
    agent = make_user(Role.AGENT_ARS, region="84")
    inscription.decider_rattachement(actor=agent, rattachement=demande, valider=True)
    demandeur.refresh_from_db()
    assert demandeur.role == Role.RESPONSABLE_OG and list(demandeur.organismes.values_list("pk", flat=True)) == [ref.og_ara.pk]
    event = AuditEvent.objects.get(action="comptes.rattachement_valide")
    assert event.actor == agent and event.before["role"] == "" and event.after["organismes"] == [ref.og_ara.pk]
    with pytest.raises(ValidationError, match="déjà"):
        inscription.decider_rattachement(actor=agent, rattachement=demande, valider=False, motif="non")


def test_claim_of_establishments_and_refusal_with_reason(ref, make_user):
    demandeur = _nouvel_inscrit()
    ets = [e.pk for e in ref.et_corse]
    demande = inscription.demander_rattachement(actor=demandeur, type="etablissements", etablissements=ets,
                                                fonction="Directeur", justificatif=_pdf("attestation.png"))
    assert demande.region_id == "94"
    admin = make_user(Role.ADMIN_NATIONAL)
    with pytest.raises(ValidationError, match="motif"):
        inscription.decider_rattachement(actor=admin, rattachement=demande, valider=False)
    inscription.decider_rattachement(actor=admin, rattachement=demande, valider=False, motif="Justificatif illisible")
    demandeur.refresh_from_db()
    assert demandeur.role == "" and demande.__class__.objects.get(pk=demande.pk).statut == "refuse"


@pytest.mark.parametrize(("kw", "message"), [
    ({"type": "organisme", "organisme": "999999999"}, "inconnu"),
    ({"type": "etablissements", "etablissements": ["010000000"]}, "inconnu"),
    ({"type": "organisme", "organisme": "", "justificatif": _pdf("script.exe")}, "format non accepté"),
    ({"type": "organisme", "justificatif": _pdf(taille=2 * 1024 * 1024)},
     "« delegation.pdf » : le fichier dépasse la taille maximale admise \\(1 Mio\\)"),
    ({"type": "organisme", "justificatif": SimpleUploadedFile("vide.pdf", b"")}, "vide.pdf : le fichier est vide"),
])
def test_claim_refusals_say_where(ref, settings, kw, message):
    settings.ESMS_LIMITES_TELEVERSEMENT = {"justificatifs": 1024 * 1024}
    demandeur = _nouvel_inscrit()
    arguments = {"fonction": "Directeur", "justificatif": _pdf(), "organisme": ref.og_ara.pk, **kw}
    with pytest.raises(ValidationError, match=message):
        inscription.demander_rattachement(actor=demandeur, **arguments)
    assert not Rattachement.objects.exists()


def test_claim_upload_over_the_limit_is_stopped_while_read(client, ref, settings, tmp_path):
    """The claim page stops reading a supporting document past the « justificatifs » limit: form error, no claim,
    no stored file."""
    settings.ESMS_LIMITES_TELEVERSEMENT = {"justificatifs": 4096}
    settings.MEDIA_ROOT = tmp_path
    demandeur = _nouvel_inscrit()
    client.force_login(demandeur)
    reponse = client.post(reverse("inscriptions:rattachement_nouveau"), {
        "type": "organisme", "fonction": "Directeur", "organisme": ref.og_ara.pk,
        "justificatif": _pdf(taille=100_000)})
    assert reponse.status_code == 200
    assert "« delegation.pdf » : le fichier dépasse la taille maximale admise (4 Kio)" in reponse.content.decode()
    assert not Rattachement.objects.exists() and not any(tmp_path.rglob("*.pdf"))


def test_claims_across_two_regions_are_refused(ref):
    with pytest.raises(ValidationError, match="plusieurs régions"):
        inscription.demander_rattachement(actor=_nouvel_inscrit(), type="etablissements", fonction="Directeur",
                                          etablissements=[ref.et_ara[0].pk, ref.et_corse[0].pk], justificatif=_pdf())


def test_claim_pages_and_document_download_are_scoped(client, ref, make_user):
    demandeur = _nouvel_inscrit()
    client.force_login(demandeur)
    response = client.post(reverse("inscriptions:rattachement_nouveau"), {
        "type": "organisme", "organisme": ref.og_ara.pk, "etablissements": "", "fonction": "Présidente",
        "justificatif": _pdf()})
    assert response.status_code == 302
    demande = Rattachement.objects.get()
    # The claimant reads back its own document, not the decision page.
    assert client.get(reverse("inscriptions:rattachement_justificatif", args=[demande.pk])).status_code == 200
    assert client.get(reverse("inscriptions:rattachement", args=[demande.pk])).status_code == 403
    client.force_login(make_user(Role.AGENT_ARS, region="94"))
    assert client.get(reverse("inscriptions:rattachement", args=[demande.pk])).status_code == 404
    assert client.get(reverse("inscriptions:rattachement_justificatif", args=[demande.pk])).status_code == 404
    agent = make_user(Role.AGENT_ARS, region="84")
    client.force_login(agent)
    assert "Association de l" in client.get(reverse("inscriptions:rattachements")).content.decode()
    page = client.get(reverse("inscriptions:rattachement", args=[demande.pk])).content.decode()
    assert "Présidente" in page
    fichier = client.get(reverse("inscriptions:rattachement_justificatif", args=[demande.pk]))
    assert fichier.status_code == 200 and b"".join(fichier.streaming_content).startswith(b"%PDF")
    assert client.post(reverse("inscriptions:rattachement", args=[demande.pk]), {"decision": "valider"}).status_code == 302
    demandeur.refresh_from_db()
    assert demandeur.role == Role.RESPONSABLE_OG


def test_porteur_invites_a_colleague(client, ref, make_user, django_capture_on_commit_callbacks):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], email="dg@asso-ain.example")
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inscriptions:inviter"), {"organisme": ref.og_ara.pk, "email": "Collegue@Asso-Ain.example"})
    [message] = mail.outbox
    assert message.to == ["collegue@asso-ain.example"] and "Invitation à rejoindre" in message.subject
    lien = _lien(message, "/comptes/invitation/")
    client.logout()
    response = client.post(lien, {"prenom": "Dominique", "nom": "Petit", "mot_de_passe": MDP})
    assert response.status_code == 302
    collegue = User.objects.get(email="collegue@asso-ain.example")
    assert collegue.is_active and collegue.role == Role.RESPONSABLE_OG
    assert list(collegue.organismes.values_list("pk", flat=True)) == [ref.og_ara.pk]
    assert "invalide ou a déjà servi" in client.get(lien, follow=True).content.decode()
    assert AuditEvent.objects.filter(action="comptes.invitation_acceptee", actor=collegue).exists()


def test_invitation_only_to_ones_own_organisme(ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    with pytest.raises(PermissionDenied):
        inscription.inviter(actor=porteur, organisme=ref.og_corse.pk, email="x@y.example")
    with pytest.raises(PermissionDenied):
        inscription.inviter(actor=make_user(Role.AGENT_ARS, region="84"), organisme=ref.og_ara.pk, email="x@y.example")


def test_deactivating_ones_account_ends_the_session(client, ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    client.force_login(porteur)
    assert client.post(reverse("inscriptions:desactiver_mon_compte")).status_code == 302
    porteur.refresh_from_db()
    assert not porteur.is_active
    assert client.get(reverse("comptes:mon_compte")).status_code == 302
    assert AuditEvent.objects.filter(action="comptes.desactiver", actor=porteur).exists()


def test_ars_agent_administers_accounts_of_its_region_only(client, ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    porteur_ara = make_user(Role.RESPONSABLE_OG, username="porteur-ara", organismes=[ref.og_ara.pk])
    porteur_corse = make_user(Role.RESPONSABLE_OG, username="porteur-corse", organismes=[ref.og_corse.pk])
    admin = make_user(Role.ADMIN_NATIONAL, username="admin-x")
    visibles = set(inscription_selectors.comptes_visibles(agent).values_list("username", flat=True))
    assert "porteur-ara" in visibles and "porteur-corse" not in visibles and "admin-x" not in visibles
    # Grant establishments of its region; not of another region; never the agent or admin role.
    inscription.modifier_habilitations(actor=agent, user=porteur_ara, role=Role.GESTIONNAIRE_ESSMS,
                                       etablissements=[ref.et_ara[0].pk])
    porteur_ara.refresh_from_db()
    assert porteur_ara.role == Role.GESTIONNAIRE_ESSMS and not porteur_ara.organismes.exists()
    with pytest.raises(PermissionDenied, match="Hors de votre région"):
        inscription.modifier_habilitations(actor=agent, user=porteur_ara, role=Role.GESTIONNAIRE_ESSMS,
                                           etablissements=[ref.et_corse[0].pk])
    with pytest.raises(PermissionDenied):
        inscription.modifier_habilitations(actor=agent, user=porteur_ara, role=Role.ADMIN_NATIONAL)
    with pytest.raises(PermissionDenied):
        inscription.changer_activation(actor=agent, user=porteur_corse, actif=False)
    client.force_login(agent)
    assert client.get(reverse("inscriptions:gestion_compte", args=[porteur_corse.pk])).status_code == 404
    assert client.post(reverse("inscriptions:gestion_activation", args=[porteur_ara.pk]), {"actif": "0"}).status_code == 302
    porteur_ara.refresh_from_db()
    assert not porteur_ara.is_active
    assert AuditEvent.objects.filter(action="comptes.habilitations", actor=agent).count() == 1
    assert AuditEvent.objects.filter(action="comptes.desactiver", actor=agent).count() == 1
    client.force_login(admin)
    html = client.get(reverse("inscriptions:gestion_comptes")).content.decode()
    assert "porteur-corse" in html and "porteur-ara" in html


def test_national_admin_grants_an_agent_role_with_its_region(client, ref, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    inscrit = _nouvel_inscrit("agent.futur@ars.sante.fr")
    client.force_login(admin)
    response = client.post(reverse("inscriptions:gestion_compte", args=[inscrit.pk]),
                           {"role": "agent_ars", "region": "", "organismes": "", "etablissements": ""})
    assert "Un agent ARS doit être rattaché à une région." in response.content.decode()
    response = client.post(reverse("inscriptions:gestion_compte", args=[inscrit.pk]),
                           {"role": "agent_ars", "region": "94", "organismes": "", "etablissements": ""})
    assert response.status_code == 302
    inscrit.refresh_from_db()
    assert inscrit.role == Role.AGENT_ARS and inscrit.region_id == "94"


def test_porteur_and_anonymous_cannot_reach_administration(client, ref, make_user):
    assert client.get(reverse("inscriptions:gestion_comptes")).status_code == 302
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]))
    assert client.get(reverse("inscriptions:gestion_comptes")).status_code == 403
    assert client.get(reverse("inscriptions:rattachements")).status_code == 403
