"""Demo of the bourse: porteur.demo's draft grappe of 14 establishments opened to newcomers, and a
newcomer (« nouveau.demo », manager of a nearby establishment of another organisme) who can declare a
need, see the proposal computed by the ARS, accept it — and the grappe becomes admissible (15)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from esms.bourse import services
from esms.bourse.models import Ouverture
from esms.bourse.solveur.geo import distance_km
from esms.candidatures import services as candidatures
from esms.candidatures.models import Membre
from esms.comptes.models import Role, User
from esms.comptes.permissions import SYSTEME
from esms.comptes.services import create_user
from esms.demo import referencement as registre
from esms.demo.comptes import DEMO_PASSWORD, DemoAccount
from esms.referentiel.models import Etablissement

NOM = "Grappe ouverte de la bourse (démonstration)"


def charger() -> list[DemoAccount]:
    porteur = User.objects.filter(username="porteur.demo").first()
    if porteur is None or Ouverture.objects.filter(grappe__nom=NOM).exists():
        return []
    ej = porteur.organismes.values_list("pk", flat=True).first()
    pris = Membre.objects.values("etablissement_id")
    libres = (Etablissement.objects.filter(ouvert=True, categorie__eligible=True, latitude__isnull=False)
              .exclude(pk__in=pris))
    siens = list(libres.filter(organisme_id=ej).order_by("finess_et")[:14])
    if len(siens) < 14:
        return []
    centre = (float(siens[0].latitude or 0), float(siens[0].longitude or 0))
    voisins = sorted(
        (e for e in libres.filter(departement_id=siens[0].departement_id).exclude(organisme_id=ej)[:500]),
        key=lambda e: distance_km(centre, (float(e.latitude or 0), float(e.longitude or 0))),
    )
    if not voisins:
        return []
    nouveau = voisins[0]
    dossier = candidatures.creer_grappe(actor=porteur, campagne_code="2025", porteur=str(ej), nom=NOM,
                                        solution=registre.solution("Solution DUI Atlas"),
                                        description="Grappe en préparation ouverte aux établissements isolés.")
    candidatures.ajouter_membres(actor=porteur, dossier=dossier, finess_et=[e.pk for e in siens])
    services.ouvrir_grappe(actor=porteur, dossier=dossier, places=3,
                           cloture=timezone.localdate() + timedelta(days=60), secteurs="tous")
    if not User.objects.filter(username="nouveau.demo").exists():
        create_user(actor=SYSTEME, username="nouveau.demo", password=DEMO_PASSWORD, role=Role.GESTIONNAIRE_ESSMS,
                    etablissements=[nouveau.pk])
    return [DemoAccount("nouveau.demo", Role.GESTIONNAIRE_ESSMS,
                        f"ET {nouveau.pk} — établissement isolé : déclarer un besoin dans la bourse aux grappes")]
