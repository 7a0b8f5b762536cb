"""When a claim is validated, the organisme's other representatives are told by e-mail (the notification path: task
queue, French templates, preferences), read from a real SMTP server on loopback; a refusal tells only the claimant."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esms.comptes.models import FrequenceCourriels, Notification, Role, User
from esms.inscriptions import services as inscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ESMS_BASE_URL = "https://esms.example.gouv.fr"


def _demande(ref, **kw):
    claire = User.objects.create_user(username="claire@asso-ain.example", email="claire@asso-ain.example",
                                      password="mot-de-passe-test-1", first_name="Claire", last_name="Durand")
    pdf = SimpleUploadedFile("delegation.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    arguments = {"type": "organisme", "organisme": ref.og_ara.pk, **kw}
    return claire, inscription.demander_rattachement(actor=claire, fonction="Directrice", justificatif=pdf,
                                                     **arguments)


def test_validated_claim_is_emailed_to_the_other_representatives(smtp, ref, make_user, media,
                                                                 django_capture_on_commit_callbacks):
    make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], email="president@asso-ain.example")
    discret = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], email="tresorier@asso-ain.example")
    discret.frequence_courriels = FrequenceCourriels.AUCUN
    discret.save()
    make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk], email="porteur@asso-corse.example")
    agent = make_user(Role.AGENT_ARS, region="84", email="agent@ars-ara.example", first_name="Alex",
                      last_name="Martin")
    claire, demande = _demande(ref)
    smtp.boite.vider()
    with django_capture_on_commit_callbacks(execute=True):
        inscription.decider_rattachement(actor=agent, rattachement=demande, valider=True)

    [recu] = smtp.boite.pour("president@asso-ain.example")
    assert recu.sujet == f"[ESMS numérique] Claire Durand représente désormais {ref.og_ara}"
    texte = recu.partie("text/plain")
    assert "Son rattachement (Directrice) a été validé par Alex Martin" in texte
    assert f"https://esms.example.gouv.fr/referentiel/organismes/{ref.og_ara.pk}/" in texte
    assert f'href="https://esms.example.gouv.fr/referentiel/organismes/{ref.og_ara.pk}/"' in recu.partie("text/html")
    # The claimant gets its own decision, not this message; the other organisme's porteur nothing; the one who
    # chose no e-mail has it in the app only.
    assert [r.sujet for r in smtp.boite.pour("claire@asso-ain.example")] == [
        "[ESMS numérique] Votre demande de rattachement est validée"]
    assert smtp.boite.pour("porteur@asso-corse.example") == [] and smtp.boite.pour("tresorier@asso-ain.example") == []
    assert Notification.objects.filter(destinataire=discret, sujet__startswith="Claire Durand représente").exists()
    assert not Notification.objects.filter(destinataire=claire, sujet__contains="représente").exists()


def test_validated_establishment_claim_tells_the_organisme_s_representatives(smtp, ref, make_user, media,
                                                                             django_capture_on_commit_callbacks):
    make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], email="president@asso-ain.example")
    agent = make_user(Role.AGENT_ARS, region="84")
    et = ref.et_ara[0]
    _, demande = _demande(ref, type="etablissements", organisme="", etablissements=[et.pk])
    with django_capture_on_commit_callbacks(execute=True):
        inscription.decider_rattachement(actor=agent, rattachement=demande, valider=True)
    [recu] = smtp.boite.pour("president@asso-ain.example")
    assert recu.sujet == f"[ESMS numérique] Claire Durand gère désormais {et.raison_sociale} ({et.pk})"


def test_refused_claim_tells_only_the_claimant(smtp, ref, make_user, media, django_capture_on_commit_callbacks):
    make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], email="president@asso-ain.example")
    agent = make_user(Role.AGENT_ARS, region="84")
    _, demande = _demande(ref)
    with django_capture_on_commit_callbacks(execute=True):
        inscription.decider_rattachement(actor=agent, rattachement=demande, valider=False, motif="Illisible")
    assert smtp.boite.pour("president@asso-ain.example") == []
    assert [r.sujet for r in smtp.boite.pour("claire@asso-ain.example")] == [
        "[ESMS numérique] Votre demande de rattachement est refusée"]
