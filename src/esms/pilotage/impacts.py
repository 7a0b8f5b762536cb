"""Which aggregates a change affects, read from its audit event: the one hook between the writes below and the
dashboards above.

Every service records an audit event inside its transaction (`comptes.audit.record`); `apps.py` connects
`sur_evenement` to the event's `post_save`, and the aggregates are signalled once the transaction commits
(nothing on a rollback). The apps below never import `pilotage`. A dossier's change affects the national
aggregates and those of its regions, for « all campagnes » and its campagne; an envelope's, the national one
and its region's; a change of the référentiel, of the registre or SONS orders, or of campagne parameters,
every aggregate. Conversation, documents and refusals affect none.
"""

from __future__ import annotations

from django.db import transaction

from esms.pilotage.models import NATIONAL

# Actions (or action prefixes, ending with ".") that change a figure of the dashboards.
AFFECTANTES = ("dossiers.", "grappes.", "enveloppes.", "versements.", "usages.valider", "usages.rejeter",
               "referentiel.importer", "referentiel.annuler_import", "referentiel.qualifier", "referentiel.charger",
               "referencement.importer", "referencement.modifier", "sons.", "campagnes.nouvelle_version",
               "bourse.ouvrir_grappe")
# Dossier actions that change no figure (conversation, documents, opinions, reminders).
SANS_EFFET = frozenset({"dossiers.deposer_document", "dossiers.supprimer_document", "dossiers.remplacer_document",
                        "dossiers.annoter", "dossiers.message", "dossiers.demander_avis", "dossiers.rendre_avis",
                        "dossiers.rappeler_complement", "dossiers.attribuer", "dossiers.suivre",
                        "dossiers.ne_plus_suivre", "dossiers.etiqueter", "dossiers.telecharger"})
# Figures that follow the date of validation rather than the campagne (active DUIs): every campagne filter.
TOUTES_CAMPAGNES = frozenset({"usages.valider", "usages.rejeter"})


def affecte(action: str) -> bool:
    if action in SANS_EFFET or action.endswith(".refus"):
        return False
    return any(action == a or (a.endswith(".") and action.startswith(a)) for a in AFFECTANTES)


def _dossier(dossier) -> tuple[set[str], str]:
    regions = set(dossier.regions.values_list("code", flat=True))
    if dossier.region_pilote_id:
        regions.add(dossier.region_pilote_id)
    return regions, dossier.grappe.campagne.code


def perimetre_de(object_type: str, object_id: str, action: str) -> tuple[list[str] | None, list[str] | None]:
    """(perimeters, campagne filters) the change affects; None: all of them."""
    from esms.candidatures.models import Dossier, Grappe
    from esms.financement.models import Enveloppe

    regions: set[str] | None = None
    campagne: str | None = None
    if object_type == "candidatures.Dossier":
        dossier = Dossier.objects.select_related("grappe__campagne").filter(pk=object_id).first()
        if dossier is not None:
            regions, campagne = _dossier(dossier)
    elif object_type == "candidatures.Grappe":
        grappe = Grappe.objects.select_related("campagne").filter(pk=object_id).first()
        if grappe is not None:
            dossier = Dossier.objects.select_related("grappe__campagne").filter(grappe=grappe).first()
            regions, campagne = _dossier(dossier) if dossier is not None else (set(), grappe.campagne.code)
            regions |= set(grappe.membres.values_list("etablissement__region_id", flat=True))
    elif object_type == "financement.Enveloppe":
        enveloppe = Enveloppe.objects.select_related("campagne").filter(pk=object_id).first()
        if enveloppe is not None:
            regions = {enveloppe.region_id} if enveloppe.region_id else set()
            campagne = enveloppe.campagne.code
    if regions is None:
        return None, None
    campagnes = None if action in TOUTES_CAMPAGNES or campagne is None else ["", campagne]
    return [NATIONAL, *sorted(regions)], campagnes


def sur_evenement(sender, instance, created: bool, **kwargs) -> None:
    """`post_save` of `comptes.AuditEvent`: signal the affected aggregates once the change is committed."""
    if not created or not affecte(instance.action):
        return
    object_type, object_id, action = instance.object_type, instance.object_id, instance.action

    def apres_validation() -> None:
        from esms.pilotage.rafraichir import signaler

        perimetres, campagnes = perimetre_de(object_type, object_id, action)
        signaler(perimetres_=perimetres, campagnes_=campagnes)

    transaction.on_commit(apres_validation)
