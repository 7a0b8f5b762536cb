"""Background jobs of the référentiel: a FINESS extract uploaded from the imports page is imported by the
task worker (`esms db_worker`), not inside the web request; the uploader is notified of the outcome."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from esms.comptes.models import User
from esms.comptes.notifications import notifier
from esms.referentiel import services
from esms.referentiel.erreurs import ErreurReferentiel


@task()
def importer_finess_en_tache(*, chemin: str, nom_fichier: str, acteur_id: int, ignorer_invalides: bool,
                             encodage: str, nature: str | None = None) -> int:
    """Import an uploaded extract as `acteur_id`; returns the ImportFiness id. A refused file is recorded by
    the service (failed import, audit event), notified to the uploader, and fails the task."""
    acteur = User.objects.get(pk=acteur_id)
    lien = reverse("referentiel:imports")
    try:
        resultat = services.importer_finess(actor=acteur, chemin=chemin, nom_fichier=nom_fichier,
                                            ignorer_invalides=ignorer_invalides, encodage=encodage, nature=nature)
    except ErreurReferentiel as erreur:
        notifier([acteur], sujet=f"Import FINESS refusé : {nom_fichier}", texte=str(erreur), lien=lien)
        raise
    if resultat.statut == resultat.Statut.A_CONFIRMER:
        notifier([acteur], sujet=f"Import FINESS n° {resultat.pk} à confirmer : {nom_fichier}",
                 lien=reverse("referentiel:import", args=[resultat.pk]), texte=resultat.motif_attente)
        return resultat.pk
    notifier([acteur], sujet=f"Import FINESS n° {resultat.pk} réussi : {nom_fichier}", lien=lien, texte=(
        f"{resultat.nb_crees} créé(s), {resultat.nb_modifies} modifié(s), {resultat.nb_fermes} fermé(s), "
        f"{resultat.nb_rejetes} rejeté(s)."))
    return resultat.pk
