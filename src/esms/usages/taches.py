"""Background jobs of the usages domain: a large evidence file uploaded from the usage page is checked,
recounted and chained by the task worker (`esms db_worker`), not inside the web request; so is a large
indicator file read, checked and recorded. Each step is written
to its `TraitementPreuve` (shown to the uploader); a refusal or a failure is recorded there, audited and
notified; the received file is removed in every case."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from django_tasks import task

from esms.comptes import audit
from esms.comptes.notifications import notifier
from esms.usages.erreurs import UsageRefuse
from esms.usages.models import Canal, TraitementPreuve


def _etape(traitement_id: int):
    def ecrire(texte: str) -> None:
        TraitementPreuve.objects.filter(pk=traitement_id).update(etape=texte[:200])
    return ecrire


@task()
def traiter_preuve(*, traitement_id: int) -> int | None:
    """Run the evidence deposit of `traitement_id`; returns the Preuve id, or None when the file is refused."""
    from esms.usages import services

    traitement = TraitementPreuve.objects.select_related("dossier", "auteur").get(pk=traitement_id)
    if traitement.etat != TraitementPreuve.Etat.EN_ATTENTE:
        return traitement.preuve_id  # already run (a retried task)
    TraitementPreuve.objects.filter(pk=traitement_id).update(etat=TraitementPreuve.Etat.EN_COURS)
    lien = reverse("usages:dossier", args=[traitement.dossier_id])
    chemin = Path(traitement.chemin)
    try:
        preuve = services.deposer_preuve(actor=traitement.auteur, dossier=traitement.dossier, fichier=chemin,
                                         nom=traitement.nom, debut=traitement.periode_debut,
                                         fin=traitement.periode_fin, canal=Canal.FORMULAIRE,
                                         etape=_etape(traitement_id))
    except (UsageRefuse, PermissionError) as exc:
        raisons = getattr(exc, "messages", None) or [str(exc)]
        TraitementPreuve.objects.filter(pk=traitement_id).update(etat=TraitementPreuve.Etat.REFUSE, raisons=raisons,
                                                                 etape="Refusée : rien n'a été enregistré")
        notifier([traitement.auteur], sujet=f"Preuve refusée : {traitement.nom}", texte=" ".join(raisons)[:500],
                 lien=lien)
        return None
    except Exception:
        TraitementPreuve.objects.filter(pk=traitement_id).update(
            etat=TraitementPreuve.Etat.ECHOUE, etape="Échec du traitement : rien n'a été enregistré",
            raisons=["Le traitement a échoué ; l'incident est journalisé. Déposez le fichier de nouveau ou contactez "
                     "l'assistance."])
        audit.record(actor=traitement.auteur, action="usages.traiter_preuve.echec", obj=traitement.dossier,
                     after={"fichier": traitement.nom, "traitement": traitement_id})
        notifier([traitement.auteur], sujet=f"Échec du traitement de la preuve {traitement.nom}", texte="", lien=lien)
        raise
    finally:
        chemin.unlink(missing_ok=True)
    TraitementPreuve.objects.filter(pk=traitement_id).update(
        etat=TraitementPreuve.Etat.TERMINE, preuve=preuve, etape="Enregistrée et chaînée au journal des preuves")
    notifier([traitement.auteur], sujet=f"Preuve enregistrée : {traitement.nom}", lien=lien,
             texte=f"{preuve.nb_evenements} événements, {preuve.total_dui_actifs} DUI actifs recalculés.")
    return preuve.pk


@task()
def traiter_indicateurs(*, traitement_id: int) -> int | None:
    """Run the indicator import of `traitement_id`; returns the number of reports recorded, or None when the
    file is refused (nothing written then)."""
    from esms.usages import services

    traitement = TraitementPreuve.objects.select_related("dossier", "auteur").get(pk=traitement_id)
    if traitement.etat != TraitementPreuve.Etat.EN_ATTENTE:
        return None  # already run (a retried task)
    TraitementPreuve.objects.filter(pk=traitement_id).update(etat=TraitementPreuve.Etat.EN_COURS)
    lien = reverse("usages:dossier", args=[traitement.dossier_id])
    chemin = Path(traitement.chemin)
    try:
        rapports = services.importer_indicateurs(actor=traitement.auteur, dossier=traitement.dossier, fichier=chemin,
                                                 nom=traitement.nom, debut=traitement.periode_debut,
                                                 fin=traitement.periode_fin, etape=_etape(traitement_id))
    except (UsageRefuse, PermissionError) as exc:
        raisons = getattr(exc, "messages", None) or [str(exc)]
        TraitementPreuve.objects.filter(pk=traitement_id).update(etat=TraitementPreuve.Etat.REFUSE, raisons=raisons,
                                                                 etape="Refusé : rien n'a été enregistré")
        notifier([traitement.auteur], sujet=f"Indicateurs refusés : {traitement.nom}", texte=" ".join(raisons)[:500],
                 lien=lien)
        return None
    except Exception:
        TraitementPreuve.objects.filter(pk=traitement_id).update(
            etat=TraitementPreuve.Etat.ECHOUE, etape="Échec du traitement : rien n'a été enregistré",
            raisons=["Le traitement a échoué ; l'incident est journalisé. Déposez le fichier de nouveau ou contactez "
                     "l'assistance."])
        audit.record(actor=traitement.auteur, action="usages.traiter_indicateurs.echec", obj=traitement.dossier,
                     after={"fichier": traitement.nom, "traitement": traitement_id})
        notifier([traitement.auteur], sujet=f"Échec de l'import des indicateurs {traitement.nom}", texte="", lien=lien)
        raise
    finally:
        chemin.unlink(missing_ok=True)
    TraitementPreuve.objects.filter(pk=traitement_id).update(
        etat=TraitementPreuve.Etat.TERMINE, etape=f"{len(rapports)} établissement(s) enregistré(s)")
    notifier([traitement.auteur], sujet=f"Indicateurs importés : {traitement.nom}", lien=lien,
             texte=f"{len(rapports)} établissement(s) enregistré(s).")
    return len(rapports)
