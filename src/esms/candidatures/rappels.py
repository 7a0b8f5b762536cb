"""Reminders of a complement request: the porteur is reminded some days before the date the ARS set, by a
task deferred on the queue (`esms db_worker`); `rappels_dus` is the safety net for queues that cannot defer
(and for a cron job). Each request is reminded once; an answered, withdrawn or re-dated request is not.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from esms.candidatures.etats import Etat
from esms.candidatures.models import Dossier
from esms.comptes import audit
from esms.comptes import selectors as comptes
from esms.comptes.notifications import notifier
from esms.comptes.permissions import SYSTEME

# Hypothèse : aucun texte du programme ne fixe de délai de réponse ni de relance ; quinze jours par défaut (l'ARS
# fixe la date), une relance trois jours avant pour laisser le temps de répondre.
DELAI_PAR_DEFAUT = timedelta(days=15)
JOURS_AVANT_RAPPEL = 3
HEURE_DU_RAPPEL = time(9, 0)


def date_du_rappel(attendu_le: date) -> datetime:
    """9 h (Paris) `JOURS_AVANT_RAPPEL` days before the expected date."""
    jour = attendu_le - timedelta(days=JOURS_AVANT_RAPPEL)
    return timezone.make_aware(datetime.combine(jour, HEURE_DU_RAPPEL))


def programmer(dossier: Dossier) -> None:
    """Defer the reminder of the dossier's current request on the task queue, once the transaction commits."""
    from django_tasks import default_task_backend

    from esms.candidatures.taches import rappeler_complement

    attendu_le = dossier.complement_attendu_le
    if attendu_le is None or not default_task_backend.supports_defer:
        return  # `rappels_dus` sends it
    quand = max(date_du_rappel(attendu_le), timezone.now())
    transaction.on_commit(lambda: rappeler_complement.using(run_after=quand).enqueue(
        dossier_id=dossier.pk, attendu_le=attendu_le.isoformat()))


@transaction.atomic
def rappeler(*, dossier_id: int, attendu_le: str) -> bool:
    """Remind the porteur's representatives of the request due on `attendu_le`; False when there is nothing to
    remind (answered, withdrawn, re-dated, already reminded)."""
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None or dossier.etat != Etat.COMPLEMENT_DEMANDE or dossier.complement_rappele_le is not None \
            or dossier.complement_attendu_le is None or dossier.complement_attendu_le.isoformat() != attendu_le:
        return False
    echeance = dossier.complement_attendu_le
    notifier(comptes.representants(organisme=dossier.grappe.porteur_id),
             sujet=f"Rappel : complément attendu le {echeance:%d/%m/%Y} pour le dossier {dossier}",
             texte=f"L'ARS attend votre réponse au plus tard le {echeance:%d/%m/%Y}. Complétez le dossier puis "
                   "renvoyez-le depuis sa page de modification.",
             lien=reverse("candidatures:edition", args=[dossier.pk]), categorie="complement")
    dossier.complement_rappele_le = timezone.now()
    dossier.save(update_fields=["complement_rappele_le"])
    audit.record(actor=SYSTEME, action="dossiers.rappeler_complement", obj=dossier,
                 after={"attendu_le": attendu_le})
    return True


def rappels_dus(*, maintenant: datetime | None = None) -> int:
    """Send every reminder whose time has come (queues without deferral, cron safety net)."""
    maintenant = maintenant or timezone.now()
    limite = timezone.localdate(maintenant) + timedelta(days=JOURS_AVANT_RAPPEL)
    dus = (Dossier.objects.filter(etat=Etat.COMPLEMENT_DEMANDE, complement_rappele_le__isnull=True,
                                  complement_attendu_le__lte=limite)
           .values_list("pk", "complement_attendu_le"))
    return sum(rappeler(dossier_id=pk, attendu_le=attendu_le.isoformat()) for pk, attendu_le in dus if attendu_le)
