"""Read queries on dossiers: the scoped instruction queue with its filters, one dossier, export rows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from esms.candidatures import recherche, regles
from esms.candidatures.models import Avis, Dossier, Membre, Transition
from esms.comptes.permissions import filter_scope, get_in_scope, has_perm, require
from esms.rules.erreurs import ErreursLocalisees

TRIS = {
    "depot": "depose_le", "-depot": "-depose_le", "numero": "numero", "montant": "montant_demande",
    "-montant": "-montant_demande", "etat": "etat",
}


CHAMPS_RECHERCHE = ["numero", "grappe__nom", "grappe__porteur__raison_sociale"]


def dossiers(*, actor) -> QuerySet[Dossier]:
    require(actor, "candidatures.consulter")
    return filter_scope(actor, Dossier.objects.all())


def dossier(*, actor, pk: int) -> Dossier:
    require(actor, "candidatures.consulter")
    return get_in_scope(actor, Dossier.objects.select_related(
        "grappe__campagne", "grappe__porteur", "region_pilote", "version", "instructeur"), pk=pk)


def codes_regions(dossier: Dossier) -> list[str]:
    """The INSEE codes of the regions of the dossier's members, sorted."""
    return list(dossier.regions.order_by("code").values_list("code", flat=True))


def membres(dossier: Dossier) -> list[Membre]:
    """The grappe's members with their establishment, by FINESS ET."""
    return list(dossier.grappe.membres.select_related("etablissement").order_by("etablissement_id"))


def historique(dossier: Dossier) -> list[Transition]:
    """The dossier's transitions, in their model's order."""
    return list(dossier.transitions.all())


def file_instruction(*, actor, filtres: Mapping[str, str]) -> QuerySet[Dossier]:
    """Dossiers in scope matching the filters: q (numéro, grappe, porteur, FINESS), etat, appel, campagne,
    region, fenetre (selection window), mes_dossiers, tri. Brouillons are not shown to instructors."""
    qs = dossiers(actor=actor).select_related("grappe__campagne", "grappe__porteur", "region_pilote", "instructeur")
    if has_perm(actor, "candidatures.instruire"):
        qs = qs.exclude(etat="brouillon")
    q = (filtres.get("q") or "").strip()
    if q:  # ignoring case and accents, on SQLite as on PostgreSQL
        qs = qs.alias(**recherche.alias_plies(CHAMPS_RECHERCHE))
        qs = qs.filter(recherche.contient(CHAMPS_RECHERCHE, q) | Q(grappe__porteur_id=q)
                       | Q(pk__in=Dossier.objects.filter(grappe__membres__etablissement_id=q).values("pk")))
    for champ, cle in (("etat", "etat"), ("appel", "appel"), ("grappe__campagne__code", "campagne"),
                       ("regions__code", "region"), ("fenetre", "fenetre")):
        valeur = (filtres.get(cle) or "").strip()
        if valeur:
            qs = qs.filter(**{champ: valeur})
    if filtres.get("mes_dossiers"):
        qs = qs.filter(instructeur=actor)
    # A correlated count: joining every member before paginating made PostgreSQL group 45 000 rows.
    nb = (Membre.objects.filter(grappe_id=OuterRef("grappe_id")).order_by()
          .values("grappe_id").annotate(n=Count("pk")).values("n"))
    qs = qs.annotate(nb_membres=Coalesce(Subquery(nb[:1]), 0))
    return qs.order_by(TRIS.get(filtres.get("tri") or "", "-depose_le"), "-id")


ENTETES_EXPORT = ["Numéro", "Campagne", "Appel", "Région pilote", "Grappe", "Porteur (FINESS EJ)", "Porteur",
                  "SIREN du porteur",
                  "Nombre de membres", "État", "Montant demandé (€)", "Montant retenu (€)", "Déposé le",
                  "Instructeur"]


def lignes_export(qs: QuerySet[Dossier]) -> Iterator[list]:
    for d in qs:
        yield [d.numero, d.grappe.campagne.code, d.get_appel_display(), d.region_pilote.nom if d.region_pilote else "",
               d.grappe.nom, d.grappe.porteur_id, d.grappe.porteur.nom, d.grappe.porteur.siren,
               d.nb_membres,  # type: ignore[attr-defined]  # annotated by the caller
               d.get_etat_display(),
               d.montant_demande, d.montant_retenu, timezone.localtime(d.depose_le).strftime("%d/%m/%Y %H:%M") if d.depose_le else "",
               str(d.instructeur or "")]


def avis_a_rendre(*, actor) -> QuerySet[Avis]:
    return Avis.objects.filter(expert=actor, rendu_le__isnull=True).select_related("dossier")


def verdict_courant(dossier: Dossier) -> tuple[dict | None, str]:
    """The rules' verdict on the grappe as it is now, or None and the French reason it is unavailable. A dossier
    already filed (answering a complement request) is evaluated at its filing date under its filing version:
    it was on time then, whatever today's date."""
    try:
        if dossier.depose_le is not None:
            return regles.evaluer(dossier.grappe, submitted_at=dossier.depose_le, version=dossier.version), ""
        return regles.evaluer(dossier.grappe), ""
    except ErreursLocalisees as exc:
        return None, " ; ".join(exc.erreurs)
    except regles.VersionIntrouvable as exc:
        return None, str(exc)
