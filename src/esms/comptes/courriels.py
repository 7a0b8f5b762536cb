"""E-mails of notifications: built from French templates (plain text and HTML), sent by the task queue.

`notifier` (esms.comptes.notifications) stores the in-app notifications and, for recipients who want them
immediately, one `Courriel` each, enqueued once the transaction commits. Recipients who chose the daily
digest get one e-mail a day (`esms courriels --resume-quotidien`, run by cron). A failed send is recorded
on the `Courriel` (attempts, last error), retried later with a growing delay, and after
`ESMS_COURRIEL_TENTATIVES` attempts marked « échec définitif »: national administrators see those on the
« Courriels » page and can send them again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from esms.comptes.models import Courriel, FrequenceCourriels, Notification, User

if TYPE_CHECKING:
    from esms.comptes.permissions import Acteur

PREFIXE = "[ESMS numérique]"


def url_absolue(lien: str) -> str:
    if not lien or lien.startswith(("http://", "https://")):
        return lien
    return settings.ESMS_BASE_URL.rstrip("/") + "/" + lien.lstrip("/")


def _contexte(user: User, notifications: list[Notification]) -> dict:
    return {
        "user": user, "notifications": [
            {"sujet": n.sujet, "texte": n.texte, "lien": url_absolue(n.lien), "categorie": n.get_categorie_display(),
             "date": n.creee_le} for n in notifications],
        "preferences": url_absolue("/comptes/mon-compte/"),
    }


def preparer_immediat(user: User, notification: Notification) -> Courriel:
    contexte = _contexte(user, [notification])
    courriel = Courriel.objects.create(
        destinataire=user, adresse=user.email, sujet=f"{PREFIXE} {notification.sujet}"[:250],
        texte=render_to_string("comptes/email/notification.txt", contexte),
        html=render_to_string("comptes/email/notification.html", contexte))
    notification.courriel = courriel
    notification.save(update_fields=["courriel"])
    return courriel


def programmer(courriel: Courriel) -> None:
    """Enqueue the send once the current transaction commits (nothing is sent for a rolled-back change)."""
    from esms.comptes.taches import envoyer_courriel

    transaction.on_commit(lambda: envoyer_courriel.enqueue(courriel_id=courriel.pk))


def envoyer(courriel: Courriel) -> None:
    """Send now through Django's mail backend; on failure record it, plan the next attempt, and re-raise."""
    message = EmailMultiAlternatives(courriel.sujet, courriel.texte, settings.DEFAULT_FROM_EMAIL, [courriel.adresse])
    message.attach_alternative(courriel.html, "text/html")
    courriel.tentatives += 1
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        courriel.derniere_erreur = f"{type(exc).__name__} : {exc}"[:2000]
        if courriel.tentatives >= settings.ESMS_COURRIEL_TENTATIVES:
            courriel.statut, courriel.prochain_essai = Courriel.Statut.ECHEC, None
        else:
            # 1, 4, 16, 64… minutes.
            courriel.prochain_essai = timezone.now() + timedelta(minutes=4 ** (courriel.tentatives - 1))
        courriel.save(update_fields=["tentatives", "derniere_erreur", "statut", "prochain_essai"])
        if courriel.statut == Courriel.Statut.EN_ATTENTE:
            _reprogrammer(courriel)
        raise
    courriel.statut, courriel.envoye_le, courriel.prochain_essai = Courriel.Statut.ENVOYE, timezone.now(), None
    courriel.save(update_fields=["tentatives", "statut", "envoye_le", "prochain_essai"])


def _reprogrammer(courriel: Courriel) -> None:
    """With a queue that can defer (the database queue), enqueue the retry now; otherwise `relancer_dus` does."""
    from django_tasks import default_task_backend

    from esms.comptes.taches import envoyer_courriel

    if default_task_backend.supports_defer:
        envoyer_courriel.using(run_after=courriel.prochain_essai).enqueue(courriel_id=courriel.pk)


def relancer_dus(*, maintenant=None) -> int:
    """Enqueue every pending e-mail whose retry time has come (cron safety net, and queues without defer)."""
    from esms.comptes.taches import envoyer_courriel

    maintenant = maintenant or timezone.now()
    ids = list(Courriel.objects.filter(statut=Courriel.Statut.EN_ATTENTE, tentatives__gt=0,
                                       prochain_essai__lte=maintenant).values_list("pk", flat=True))
    for pk in ids:
        envoyer_courriel.enqueue(courriel_id=pk)
    return len(ids)


@transaction.atomic
def preparer_resumes_quotidiens(*, maintenant=None) -> int:
    """One digest e-mail per user who chose it, with the notifications of the last day not e-mailed yet."""
    maintenant = maintenant or timezone.now()
    attente = (Notification.objects.select_for_update()
               .filter(courriel__isnull=True, creee_le__gte=maintenant - timedelta(days=1), creee_le__lte=maintenant,
                       destinataire__is_active=True, destinataire__frequence_courriels=FrequenceCourriels.QUOTIDIEN)
               .exclude(destinataire__email="").select_related("destinataire").order_by("destinataire_id", "creee_le"))
    par_user: dict[int, list[Notification]] = {}
    for n in attente:
        par_user.setdefault(n.destinataire_id, []).append(n)
    for notifications in par_user.values():
        user = notifications[0].destinataire
        contexte = _contexte(user, notifications)
        nombre = len(notifications)
        courriel = Courriel.objects.create(
            destinataire=user, adresse=user.email,
            sujet=f"{PREFIXE} Résumé du jour : {nombre} notification{'s' if nombre > 1 else ''}",
            texte=render_to_string("comptes/email/resume.txt", contexte),
            html=render_to_string("comptes/email/resume.html", contexte))
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(courriel=courriel)
        programmer(courriel)
    return len(par_user)


@transaction.atomic
def renvoyer(*, actor: Acteur, courriel: Courriel) -> Courriel:
    """A national administrator sends a failed e-mail again (attempts start over); audited."""
    from esms.comptes import audit
    from esms.comptes.permissions import require

    require(actor, "comptes.gerer")
    courriel = Courriel.objects.select_for_update().get(pk=courriel.pk)
    avant = {"statut": courriel.statut, "tentatives": courriel.tentatives}
    courriel.statut, courriel.tentatives, courriel.prochain_essai = Courriel.Statut.EN_ATTENTE, 0, None
    courriel.save(update_fields=["statut", "tentatives", "prochain_essai"])
    audit.record(actor=actor, action="courriels.renvoyer", obj=courriel, before=avant, after={"statut": courriel.statut})
    programmer(courriel)
    return courriel
