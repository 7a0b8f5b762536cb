"""Background jobs of the usages domain: a large evidence file uploaded from the usage page is checked,
recounted and chained by the task worker (`esms db_worker`), not inside the web request; so is a large
indicator file read, checked and recorded. Each step is written
to its `TraitementPreuve` (shown to the uploader); a refusal or a failure is recorded there, audited and
notified; the received file is removed in every case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.urls import reverse
from django_tasks import task

from esms.comptes import audit
from esms.comptes.notifications import notifier
from esms.usages.erreurs import UsageRefuse
from esms.usages.models import Canal, TraitementPreuve

T = TypeVar("T")


def _etape(traitement_id: int):
    def ecrire(texte: str) -> None:
        TraitementPreuve.objects.filter(pk=traitement_id).update(etape=texte[:200])
    return ecrire


@dataclass(frozen=True)
class _Libelles:
    """What the uploader reads for one kind of background import."""
    refuse: str  # step shown on a refusal
    sujet_refus: str
    sujet_echec: str
    action_echec: str  # audit action of a failure


def _executer(traitement: TraitementPreuve, travail: Callable[[Path, Callable[[str], None]], T],
              libelles: _Libelles) -> T | None:
    """Runs `travail` on the received file of `traitement`: a refusal is recorded, notified and returns None; any
    other failure is recorded, audited, notified and raised again; the received file is removed in every case."""
    lien = reverse("usages:dossier", args=[traitement.dossier_id])
    chemin = Path(traitement.chemin)
    try:
        return travail(chemin, _etape(traitement.pk))
    except (UsageRefuse, PermissionError) as exc:
        raisons = getattr(exc, "messages", None) or [str(exc)]
        TraitementPreuve.objects.filter(pk=traitement.pk).update(etat=TraitementPreuve.Etat.REFUSE, raisons=raisons,
                                                                 etape=libelles.refuse)
        notifier([traitement.auteur], sujet=f"{libelles.sujet_refus} : {traitement.nom}",
                 texte=" ".join(raisons)[:500], lien=lien)
        return None
    except Exception:
        TraitementPreuve.objects.filter(pk=traitement.pk).update(
            etat=TraitementPreuve.Etat.ECHOUE, etape="Échec du traitement : rien n'a été enregistré",
            raisons=["Le traitement a échoué ; l'incident est journalisé. Déposez le fichier de nouveau ou contactez "
                     "l'assistance."])
        audit.record(actor=traitement.auteur, action=libelles.action_echec, obj=traitement.dossier,
                     after={"fichier": traitement.nom, "traitement": traitement.pk})
        notifier([traitement.auteur], sujet=f"{libelles.sujet_echec} {traitement.nom}", texte="", lien=lien)
        raise
    finally:
        chemin.unlink(missing_ok=True)


def _commencer(traitement_id: int) -> TraitementPreuve | None:
    """The waiting processing `traitement_id`, now marked running; None when it already ran (a retried task)."""
    traitement = TraitementPreuve.objects.select_related("dossier", "auteur").get(pk=traitement_id)
    if traitement.etat != TraitementPreuve.Etat.EN_ATTENTE:
        return None
    TraitementPreuve.objects.filter(pk=traitement_id).update(etat=TraitementPreuve.Etat.EN_COURS)
    return traitement


@task()
def traiter_preuve(*, traitement_id: int) -> int | None:
    """Run the evidence deposit of `traitement_id`; returns the Preuve id, or None when the file is refused."""
    from esms.usages import services

    traitement = _commencer(traitement_id)
    if traitement is None:
        return TraitementPreuve.objects.get(pk=traitement_id).preuve_id
    t = traitement
    preuve = _executer(t, lambda chemin, etape: services.deposer_preuve(
        actor=t.auteur, dossier=t.dossier, fichier=chemin, nom=t.nom, debut=t.periode_debut, fin=t.periode_fin,
        canal=Canal.FORMULAIRE, etape=etape), _Libelles(
        refuse="Refusée : rien n'a été enregistré", sujet_refus="Preuve refusée",
        sujet_echec="Échec du traitement de la preuve", action_echec="usages.traiter_preuve.echec"))
    if preuve is None:
        return None
    TraitementPreuve.objects.filter(pk=traitement_id).update(
        etat=TraitementPreuve.Etat.TERMINE, preuve=preuve, etape="Enregistrée et chaînée au journal des preuves")
    notifier([t.auteur], sujet=f"Preuve enregistrée : {t.nom}", lien=reverse("usages:dossier", args=[t.dossier_id]),
             texte=f"{preuve.nb_evenements} événements, {preuve.total_dui_actifs} DUI actifs recalculés.")
    return preuve.pk


@task()
def traiter_indicateurs(*, traitement_id: int) -> int | None:
    """Run the indicator import of `traitement_id`; returns the number of reports recorded, or None when the
    file is refused (nothing written then)."""
    from esms.usages import services

    traitement = _commencer(traitement_id)
    if traitement is None:
        return None
    t = traitement
    rapports = _executer(t, lambda chemin, etape: services.importer_indicateurs(
        actor=t.auteur, dossier=t.dossier, fichier=chemin, nom=t.nom, debut=t.periode_debut, fin=t.periode_fin,
        etape=etape), _Libelles(
        refuse="Refusé : rien n'a été enregistré", sujet_refus="Indicateurs refusés",
        sujet_echec="Échec de l'import des indicateurs", action_echec="usages.traiter_indicateurs.echec"))
    if rapports is None:
        return None
    TraitementPreuve.objects.filter(pk=traitement_id).update(
        etat=TraitementPreuve.Etat.TERMINE, etape=f"{len(rapports)} établissement(s) enregistré(s)")
    notifier([t.auteur], sujet=f"Indicateurs importés : {t.nom}", lien=reverse("usages:dossier", args=[t.dossier_id]),
             texte=f"{len(rapports)} établissement(s) enregistré(s).")
    return len(rapports)
