"""Candidature pages: the porteur's dossiers and edition, the dossier page and its actions, the ARS queue."""

from django.urls import path, re_path

from esms import exports
from esms.candidatures import (
    views_adhesions,
    views_affectation,
    views_dossier,
    views_instruction,
    views_porteur,
)

app_name = "candidatures"
FORMATS = rf"(?P<format>{'|'.join(exports.FORMATS)})"

urlpatterns = [
    # Porteur: list, creation, edition of a draft (or of a dossier under a complement request).
    path("", views_porteur.liste, name="liste"),
    path("creer/", views_porteur.creer, name="creer"),
    path("dossiers/<int:pk>/modifier/", views_porteur.edition, name="edition"),
    path("dossiers/<int:pk>/grappe/", views_porteur.modifier_grappe, name="modifier_grappe"),
    path("dossiers/<int:pk>/membres/", views_porteur.ajouter_membres, name="ajouter_membres"),
    path("dossiers/<int:pk>/membres/<str:finess>/", views_porteur.modifier_membre, name="modifier_membre"),
    path("dossiers/<int:pk>/membres/<str:finess>/retirer/", views_porteur.retirer_membre, name="retirer_membre"),
    path("dossiers/<int:pk>/etablissements/", views_porteur.recherche_etablissements,
         name="recherche_etablissements"),
    path("dossiers/<int:pk>/verdict/", views_porteur.panneau_verdict, name="verdict"),
    path("dossiers/<int:pk>/pieces/", views_porteur.deposer_document, name="deposer_document"),
    path("dossiers/<int:pk>/pieces/<int:document_pk>/supprimer/", views_porteur.supprimer_document,
         name="supprimer_document"),
    path("dossiers/<int:pk>/pieces/<int:document_pk>/remplacer/", views_porteur.remplacer_document,
         name="remplacer_document"),
    path("dossiers/<int:pk>/deposer/", views_porteur.deposer, name="deposer"),
    # The dossier page, for everyone in scope, and its actions.
    path("dossiers/<int:pk>/", views_dossier.dossier, name="dossier"),
    path("dossiers/<int:pk>/transitions/<slug:nom>/", views_dossier.transition, name="transition"),
    path("dossiers/<int:pk>/messages/", views_dossier.envoyer_message, name="message"),
    path("dossiers/<int:pk>/annotations/", views_dossier.annoter, name="annoter"),
    path("dossiers/<int:pk>/etiquettes/", views_dossier.etiqueter, name="etiqueter"),
    path("dossiers/<int:pk>/avis/", views_dossier.demander_avis, name="demander_avis"),
    path("dossiers/<int:pk>/avis/<int:avis_pk>/", views_dossier.rendre_avis, name="rendre_avis"),
    path("dossiers/<int:pk>/documents/<int:document_pk>/", views_dossier.document, name="document"),
    path("dossiers/<int:pk>/convention.pdf", views_dossier.convention_pdf, name="convention_pdf"),
    path("dossiers/<int:pk>/accuse-de-depot.pdf", views_dossier.accuse_pdf, name="accuse_pdf"),
    path("dossiers/<int:pk>/archive.zip", views_dossier.archive_zip, name="archive"),
    re_path(rf"^dossiers/(?P<pk>\d+)/membres\.{FORMATS}$", views_dossier.export_membres, name="export_membres"),
    # Assignment and followers (views_affectation).
    path("dossiers/<int:pk>/attribution/", views_affectation.attribuer, name="attribuer"),
    path("dossiers/<int:pk>/suivre/", views_affectation.suivre, name="suivre"),
    path("dossiers/<int:pk>/ne-plus-suivre/", views_affectation.ne_plus_suivre, name="ne_plus_suivre"),
    path("instruction/attribution/", views_affectation.attribution_lot, name="attribution_lot"),
    path("instruction/suivis/", views_affectation.suivis, name="suivis"),
    # Consent of another organisme's establishment to join a grappe.
    path("adhesions/", views_adhesions.liste, name="adhesions"),
    path("adhesions/<int:pk>/accepter/", views_adhesions.accepter, name="accepter_adhesion"),
    path("adhesions/<int:pk>/retirer/", views_adhesions.retirer, name="retirer_adhesion"),
    # Instruction queue.
    path("instruction/", views_instruction.instruction, name="instruction"),
    re_path(rf"^instruction/export\.{FORMATS}$", views_instruction.export, name="export"),
    path("instruction/decision/", views_instruction.decision_lot, name="decision_lot"),
    path("instruction/recherches/", views_instruction.sauvegarder_recherche, name="sauvegarder_recherche"),
    path("instruction/recherches/<int:pk>/supprimer/", views_instruction.supprimer_recherche,
         name="supprimer_recherche"),
]
