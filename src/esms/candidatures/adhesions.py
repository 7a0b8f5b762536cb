"""Consent to membership: another organisme's establishment joins a grappe only if it agrees.

A porteur adding an establishment of another organisme creates a member « proposé »: it does not count for
the rules' verdict nor for "already in another dossier" until its organisme gestionnaire (a porteur user of
that EJ) or its establishment manager accepts. Before filing, either side may withdraw. Every step is
audited and notifies the other side. The porteur's own establishments need no consent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.etats import ETATS_MODIFIABLES, Etat
from esms.candidatures.models import Dossier, Membre
from esms.comptes import audit
from esms.comptes import selectors as comptes
from esms.comptes.models import User
from esms.comptes.notifications import notifier
from esms.comptes.permissions import Acteur, decide, has_perm, require, utilisateur_de
from esms.refus import hors_perimetre

if TYPE_CHECKING:
    from esms.referentiel.models import Etablissement


def cote_etablissement(etablissement: Etablissement) -> list[User]:
    """Users who may consent for an establishment: porteurs of its EJ and its managers."""
    return [*comptes.representants(organisme=etablissement.organisme_id),
            *comptes.gestionnaires(etablissement=etablissement.pk)]


def cote_porteur(dossier: Dossier) -> list[User]:
    return comptes.representants(organisme=dossier.grappe.porteur_id)


def peut_consentir(actor: Acteur, membre: Membre) -> bool:
    return bool(decide(actor, "candidatures.consentir", membre.etablissement))


def _lien(dossier: Dossier) -> str:
    return reverse("candidatures:adhesions")


def notifier_propositions(*, actor: Acteur, dossier: Dossier, membres: list[Membre]) -> None:
    """Tell each proposed establishment's side that a grappe asks it to join."""
    for membre in membres:
        notifier(
            [u for u in cote_etablissement(membre.etablissement) if u != actor],
            sujet=f"Proposition d'adhésion à la grappe « {dossier.grappe.nom} »",
            texte=(
                f"{dossier.grappe.porteur} propose que {membre.etablissement.raison_sociale} "
                f"({membre.etablissement_id}) rejoigne sa grappe pour la campagne {dossier.grappe.campagne.code}. "
                "Il ne comptera dans la grappe qu'après votre accord."
            ),
            lien=_lien(dossier),
        )


def _avant_depot(membre: Membre) -> Dossier:
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related("grappe__porteur").get(
        grappe_id=membre.grappe_id
    )
    if dossier.etat not in ETATS_MODIFIABLES:
        raise CandidatureRefusee(
            f"Le dossier {dossier} est « {Etat(dossier.etat).label.lower()} » : l'adhésion ne peut plus changer."
        )
    return dossier


def _membre(pk: int) -> Membre:
    membre = Membre.objects.select_for_update(of=("self",)).select_related("etablissement", "grappe").filter(pk=pk).first()
    if membre is None:
        raise CandidatureRefusee("Cette adhésion n'existe plus (retirée entre-temps).")
    return membre


@transaction.atomic
def accepter(*, actor: Acteur, membre: Membre) -> Membre:
    """The establishment's side accepts: the member now counts in the grappe."""
    membre = _membre(membre.pk)
    require(actor, "candidatures.consentir", membre.etablissement)
    dossier = _avant_depot(membre)
    if membre.adhesion == Membre.Adhesion.ACCEPTEE:
        raise CandidatureRefusee(f"{membre.etablissement_id} a déjà accepté de rejoindre la grappe.")
    membre.adhesion, membre.accepte_par, membre.accepte_le = Membre.Adhesion.ACCEPTEE, utilisateur_de(actor), timezone.now()
    membre.save(update_fields=["adhesion", "accepte_par", "accepte_le"])
    audit.record(actor=actor, action="grappes.accepter_adhesion", obj=membre.grappe,
                 before={"membre": membre.etablissement_id, "adhesion": Membre.Adhesion.PROPOSEE},
                 after={"membre": membre.etablissement_id, "adhesion": Membre.Adhesion.ACCEPTEE})
    notifier([u for u in cote_porteur(dossier) if u != actor],
             sujet=f"{membre.etablissement.raison_sociale} accepte de rejoindre « {dossier.grappe.nom} »",
             lien=reverse("candidatures:edition", args=[dossier.pk]))
    return membre


@transaction.atomic
def retirer(*, actor: Acteur, membre: Membre, commentaire: str = "") -> None:
    """Either side withdraws the membership before filing (the proposal is declined, or consent taken back)."""
    membre = _membre(membre.pk)
    # Who asks is checked before the dossier's state: an intruder learns nothing of the dossier.
    cote_et = peut_consentir(actor, membre)
    if not cote_et and not decide(actor, "candidatures.deposer", membre.grappe.dossier):
        raise hors_perimetre("Vous ne représentez ni l'établissement ni le porteur de la grappe.")
    dossier = _avant_depot(membre)
    etat = membre.adhesion
    membre.delete()
    audit.record(actor=actor, action="grappes.retirer_adhesion", obj=dossier.grappe,
                 before={"membre": membre.etablissement_id, "adhesion": etat},
                 after={"par": "etablissement" if cote_et else "porteur"}, comment=commentaire)
    destinataires = cote_porteur(dossier) if cote_et else cote_etablissement(membre.etablissement)
    notifier([u for u in destinataires if u != actor],
             sujet=f"{membre.etablissement.raison_sociale} ne fait plus partie de la grappe « {dossier.grappe.nom} »",
             texte=commentaire, lien=reverse("candidatures:liste"))


def en_attente_pour(actor: Acteur) -> QuerySet[Membre]:
    """Proposals waiting for this user's consent (their EJ's or their establishments')."""
    from esms.comptes.permissions import filter_scope
    from esms.referentiel.models import Etablissement

    if not has_perm(actor, "candidatures.consentir"):
        return Membre.objects.none()
    etablissements = filter_scope(actor, Etablissement.objects.all()).values("pk")
    return (Membre.objects.filter(etablissement_id__in=etablissements)
            .filter(grappe__dossier__etat__in=list(ETATS_MODIFIABLES))
            .select_related("etablissement", "grappe__porteur", "grappe__campagne", "grappe__dossier")
            .order_by("adhesion", "-grappe__creee_le"))
