"""GHT membership of organismes gestionnaires (the hospital-corridor exception of the software rule).

Two sources, each stored with its justification:
- the FINESS+ Structures flow: its GCC groups (« groupements de coopération conventionnelle ») of type
  `CODES_GCC_GHT`, whose member PMEJ are matched to organismes by their FINESS+ id (`pm_smsse_id`);
- a declaration by an ARS agent (organismes of its region) or a national administrator, with its source.

The rules receive `ght: true` for the members of such an organisme (`candidatures.regles.entree`) and apply
the exception where the campaign admits it (`logiciel.exception_ght_couloir_hospitalier`).
"""

from __future__ import annotations

from django.db import transaction

from esms.comptes import audit
from esms.comptes.permissions import Acteur, require, utilisateur_de
from esms.referencement.models import AppartenanceGht
from esms.referentiel.models import GroupeFiness, MembreGroupe, OrganismeGestionnaire
from esms.refus import Refus

# Hypothèse : in FINESS+, a GHT is a GCC (conventional cooperation, no legal personality, unlike the GCO) of type
# « 001 » — the published sample's five GCC are all « 001 » and named after hospital territories (« 77 Nord »,
# the GHT 77 Nord). The FINESS nomenclature of GCC types is not in the shared data: à confirmer.
CODES_GCC_GHT = frozenset({"001"})


def organismes_en_ght(finess_ej: list[str]) -> set[str]:
    """The organismes among `finess_ej` that belong to a GHT (one query)."""
    return set(AppartenanceGht.objects.filter(organisme_id__in=finess_ej).values_list("organisme_id", flat=True))


@transaction.atomic
def declarer(*, actor: Acteur, finess_ej: str, nom_ght: str, justificatif: str) -> AppartenanceGht:
    organisme = OrganismeGestionnaire.objects.filter(pk=finess_ej.strip()).first()
    if organisme is None:
        raise Refus(f"Organisme : aucun organisme gestionnaire avec le FINESS juridique « {finess_ej} ».",
                    champ="finess_ej")
    require(actor, "referencement.ght", organisme)
    erreurs = []
    if not nom_ght.strip():
        erreurs.append("GHT : le nom du groupement hospitalier de territoire est obligatoire.")
    if not justificatif.strip():
        erreurs.append("Source : indiquez d'où vient l'information (convention constitutive, décision de l'ARS…).")
    if erreurs:
        raise Refus(erreurs)
    ancienne = AppartenanceGht.objects.filter(organisme=organisme).first()
    avant = ({"nom_ght": ancienne.nom_ght, "source": ancienne.source, "justificatif": ancienne.justificatif}
             if ancienne else None)
    appartenance, _ = AppartenanceGht.objects.update_or_create(organisme=organisme, defaults={
        "nom_ght": nom_ght.strip(), "source": AppartenanceGht.Source.DECLARATION,
        "justificatif": justificatif.strip(), "groupe": None, "declare_par": utilisateur_de(actor)})
    audit.record(actor=actor, action="referencement.declarer_ght", obj=appartenance, before=avant,
                 after={"organisme": organisme.pk, "nom_ght": appartenance.nom_ght,
                        "justificatif": appartenance.justificatif})
    return appartenance


@transaction.atomic
def retirer(*, actor: Acteur, appartenance: AppartenanceGht, motif: str = "") -> None:
    require(actor, "referencement.ght", appartenance.organisme)
    avant = {"organisme": appartenance.organisme_id, "nom_ght": appartenance.nom_ght, "source": appartenance.source}
    appartenance.delete()
    audit.record(actor=actor, action="referencement.retirer_ght", object_type="referencement.AppartenanceGht",
                 object_id=str(avant["organisme"]), before=avant, comment=motif)


@transaction.atomic
def importer_finess_plus(*, actor: Acteur) -> dict[str, int]:
    """Memberships from the FINESS+ GCC groups of a GHT type (set-based): added or renamed, and those read from
    FINESS+ before whose group no longer lists the organisme removed. Declarations are left alone."""
    require(actor, "referencement.gerer")
    groupes = {g.pk: g for g in GroupeFiness.objects.filter(type_groupe="GCC", code_type__in=CODES_GCC_GHT,
                                                             ouvert=True)}
    membres = MembreGroupe.objects.filter(groupe_id__in=list(groupes)).exclude(pm_smsse_id="")
    groupe_de = dict(membres.values_list("pm_smsse_id", "groupe_id"))
    organismes = dict(OrganismeGestionnaire.objects.filter(pm_smsse_id__in=list(groupe_de))
                      .values_list("pk", "pm_smsse_id"))
    declares = set(AppartenanceGht.objects.filter(source=AppartenanceGht.Source.DECLARATION)
                   .values_list("organisme_id", flat=True))
    voulus = {ej: groupes[groupe_de[pm]] for ej, pm in organismes.items() if ej not in declares}
    existants = {a.organisme_id: a for a in AppartenanceGht.objects.filter(source=AppartenanceGht.Source.FINESS_PLUS)}
    perimes = [ej for ej in existants if ej not in voulus]
    AppartenanceGht.objects.filter(organisme_id__in=perimes, source=AppartenanceGht.Source.FINESS_PLUS).delete()
    nouveaux, modifies = [], []
    for ej, groupe in voulus.items():
        nom = groupe.nom or groupe.identifiant
        justificatif = f"FINESS+ : groupe {groupe.identifiant} (GCC de type {groupe.code_type})"
        appartenance = existants.get(ej)
        if appartenance is None:
            nouveaux.append(AppartenanceGht(organisme_id=ej, nom_ght=nom, source=AppartenanceGht.Source.FINESS_PLUS,
                                            justificatif=justificatif, groupe=groupe))
        elif (appartenance.nom_ght, appartenance.groupe_id) != (nom, groupe.pk):
            appartenance.nom_ght, appartenance.groupe, appartenance.justificatif = nom, groupe, justificatif
            modifies.append(appartenance)
    AppartenanceGht.objects.bulk_create(nouveaux)
    AppartenanceGht.objects.bulk_update(modifies, ["nom_ght", "groupe", "justificatif"])
    bilan = {"ajoutees": len(nouveaux), "modifiees": len(modifies), "retirees": len(perimes)}
    audit.record(actor=actor, action="referencement.importer_ght", object_type="referencement.AppartenanceGht",
                 after=bilan)
    return bilan
