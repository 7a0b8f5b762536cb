"""Notification e-mails: sent through the task queue to a real SMTP server on loopback, French text and HTML
with a link back, per-user preference (immediate, daily digest, none), retried on failure, visible to admins."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from esms.candidatures import services as candidatures
from esms.comptes.models import AuditEvent, Courriel, FrequenceCourriels, Notification, Role
from esms.comptes.notifications import notifier
from tests import factories


def _porteur(make_user, ref, **kw):
    return make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], email="porteur@og.example", **kw)


def test_complement_request_is_emailed_with_text_html_and_link(smtp, ref, make_user, settings,
                                                                django_capture_on_commit_callbacks):
    settings.ESMS_BASE_URL = "https://esms.example.gouv.fr"
    _porteur(make_user, ref, first_name="Camille", last_name="Martin")
    agent = make_user(Role.AGENT_ARS, region="84")
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara)
    with django_capture_on_commit_callbacks(execute=True):
        candidatures.appliquer(actor=agent, dossier=dossier, transition="demander_complement",
                               commentaire="Il manque le devis de l'éditeur.")
    [recu] = smtp.boite.pour("porteur@og.example")
    assert recu.sujet == f"[ESMS numérique] Dossier {dossier} : complément demandé"
    texte, html = recu.partie("text/plain"), recu.partie("text/html")
    lien = f"https://esms.example.gouv.fr/candidatures/dossiers/{dossier.pk}/"
    assert "Bonjour Camille Martin" in texte and "Il manque le devis de l'éditeur." in texte
    assert "Complément demandé" in texte and lien in texte
    assert f'href="{lien}"' in html and "Il manque le devis de l&#x27;éditeur." in html
    courriel = Courriel.objects.get()
    assert courriel.statut == Courriel.Statut.ENVOYE and courriel.tentatives == 1
    assert Notification.objects.get(destinataire__email="porteur@og.example").courriel == courriel


def test_nothing_is_sent_when_the_change_rolls_back(smtp, ref, make_user, django_capture_on_commit_callbacks):
    from django.db import transaction

    porteur = _porteur(make_user, ref)
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        try:
            with transaction.atomic():
                notifier([porteur], sujet="Jamais envoyé")
                raise RuntimeError("annulé")
        except RuntimeError:
            pass
    assert rappels == [] and smtp.boite.recus == []


def test_preference_none_keeps_the_notification_in_the_app_only(smtp, ref, make_user,
                                                                 django_capture_on_commit_callbacks):
    porteur = _porteur(make_user, ref)
    porteur.frequence_courriels = FrequenceCourriels.AUCUN
    porteur.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifier([porteur], sujet="Dossier X : décision", categorie="decision")
    assert smtp.boite.recus == [] and Notification.objects.filter(destinataire=porteur).count() == 1


def test_daily_digest_groups_the_day(smtp, ref, make_user, django_capture_on_commit_callbacks):
    porteur = _porteur(make_user, ref)
    porteur.frequence_courriels = FrequenceCourriels.QUOTIDIEN
    porteur.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifier([porteur], sujet="Dossier A : déposé", categorie="dossier_depose", lien="/candidatures/")
        notifier([porteur], sujet="Dossier B : convention signée", categorie="convention")
    assert smtp.boite.recus == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("courriels", "--resume-quotidien", stdout=open("/dev/null", "w"))  # noqa: SIM115
    [recu] = smtp.boite.recus
    assert recu.sujet == "[ESMS numérique] Résumé du jour : 2 notifications"
    texte = recu.partie("text/plain")
    assert "Dossier A : déposé" in texte and "Dossier B : convention signée" in texte
    assert "Dossier déposé" in texte and "Convention" in texte
    # Run again the same day: nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("courriels", "--resume-quotidien", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(smtp.boite.recus) == 1


def test_failed_send_is_retried_then_given_up_and_shown_to_admins(smtp, ref, make_user, settings, client,
                                                                   django_capture_on_commit_callbacks):
    settings.ESMS_COURRIEL_TENTATIVES = 3
    porteur = _porteur(make_user, ref)
    smtp.boite.refuser = 1
    with django_capture_on_commit_callbacks(execute=True):
        notifier([porteur], sujet="Versement ordonné", categorie="versement")
    courriel = Courriel.objects.get()
    assert courriel.statut == Courriel.Statut.EN_ATTENTE and courriel.tentatives == 1
    assert "451" in courriel.derniere_erreur and courriel.prochain_essai > timezone.now()
    assert smtp.boite.recus == []
    # Not due yet: nothing re-enqueued. Once due, the retry reaches the server.
    assert call_command("courriels", "--relancer", stdout=open("/dev/null", "w")) is None  # noqa: SIM115
    assert smtp.boite.recus == []
    Courriel.objects.update(prochain_essai=timezone.now() - timedelta(seconds=1))
    call_command("courriels", "--relancer", stdout=open("/dev/null", "w"))  # noqa: SIM115
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ENVOYE and courriel.tentatives == 2
    assert len(smtp.boite.pour("porteur@og.example")) == 1

    # A server that keeps refusing: after the last attempt, « échec définitif », listed for national admins.
    smtp.boite.refuser = 10
    with django_capture_on_commit_callbacks(execute=True):
        notifier([porteur], sujet="Invitation à rejoindre l'organisme", categorie="invitation")
    echec = Courriel.objects.get(statut=Courriel.Statut.EN_ATTENTE)
    for _ in range(2):
        Courriel.objects.filter(pk=echec.pk).update(prochain_essai=timezone.now() - timedelta(seconds=1))
        call_command("courriels", "--relancer", stdout=open("/dev/null", "w"))  # noqa: SIM115
    echec.refresh_from_db()
    assert echec.statut == Courriel.Statut.ECHEC and echec.tentatives == 3 and echec.prochain_essai is None

    admin = make_user(Role.ADMIN_NATIONAL)
    client.force_login(admin)
    page = client.get(reverse("comptes:courriels")).content.decode()
    assert "Invitation à rejoindre l" in page and "Échec définitif" in page and "451" in page
    smtp.boite.refuser = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("comptes:courriel_renvoyer", args=[echec.pk])).status_code == 302
    echec.refresh_from_db()
    assert echec.statut == Courriel.Statut.ENVOYE
    assert AuditEvent.objects.filter(action="courriels.renvoyer", actor=admin).exists()


def test_outbox_is_for_national_admins_only(client, ref, make_user):
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    assert client.get(reverse("comptes:courriels")).status_code == 403


def test_user_chooses_the_frequency(client, ref, make_user):
    porteur = _porteur(make_user, ref)
    client.force_login(porteur)
    assert "Un résumé par jour" in client.get(reverse("comptes:mon_compte")).content.decode()
    assert client.post(reverse("comptes:mon_compte"), {"frequence_courriels": "quotidien"}).status_code == 302
    porteur.refresh_from_db()
    assert porteur.frequence_courriels == FrequenceCourriels.QUOTIDIEN
    assert client.post(reverse("comptes:mon_compte"), {"frequence_courriels": "toutes"}).status_code == 200
