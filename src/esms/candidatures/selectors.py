"""Read queries on dossiers: the scoped instruction queue with its filters, one dossier, export rows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from esms.candidatures import recherche, regles
from esms.candidatures.models import (
    Avis,
    Campagne,
    Document,
    Dossier,
    Etiquette,
    Membre,
    Message,
    Suivi,
    Transition,
)
from esms.comptes import selectors as comptes_selectors
from esms.comptes.models import User
from esms.comptes.permissions import Acteur, compte_de, filter_scope, get_in_scope, has_perm, require
from esms.rules.erreurs import ErreursLocalisees

TRIS = {
    "depot": "depose_le", "-depot": "-depose_le", "numero": "numero", "montant": "montant_demande",
    "-montant": "-montant_demande", "etat": "etat",
}


CHAMPS_RECHERCHE = ["numero", "grappe__nom", "grappe__porteur__raison_sociale"]


def dossiers(*, actor: Acteur) -> QuerySet[Dossier]:
    require(actor, "candidatures.consulter")
    return filter_scope(actor, Dossier.objects.all())


def dossier(*, actor: Acteur, pk: int) -> Dossier:
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


def file_instruction(*, actor: Acteur, filtres: Mapping[str, str]) -> QuerySet[Dossier]:
    """Dossiers in scope matching the filters: q (numéro, grappe, porteur, FINESS), etat, appel, campagne,
    region, fenetre (selection window), attribution (« moi »: assigned to me — also `mes_dossiers`; « aucun »:
    unassigned; « suivis »: followed by me), tri. Brouillons are not shown to instructors."""
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
    etiquette = (filtres.get("etiquette") or "").strip()
    if etiquette.isdigit():
        qs = qs.filter(pk__in=Dossier.etiquettes.through.objects.filter(etiquette_id=int(etiquette))
                       .values("dossier_id"))
    attribution = (filtres.get("attribution") or "").strip() or ("moi" if filtres.get("mes_dossiers") else "")
    if attribution == "moi":
        qs = qs.filter(instructeur=compte_de(actor))
    elif attribution == "aucun":
        qs = qs.filter(instructeur__isnull=True)
    elif attribution == "suivis":
        qs = qs.filter(pk__in=Suivi.objects.filter(utilisateur=compte_de(actor)).values("dossier_id"))
    # A correlated count: joining every member before paginating made PostgreSQL group 45 000 rows.
    nb = (Membre.objects.filter(grappe_id=OuterRef("grappe_id")).order_by()
          .values("grappe_id").annotate(n=Count("pk")).values("n"))
    qs = qs.annotate(nb_membres=Coalesce(Subquery(nb[:1]), 0)).prefetch_related("etiquettes")
    return qs.order_by(TRIS.get(filtres.get("tri") or "", "-depose_le"), "-id")


ENTETES_EXPORT = ["Numéro", "Campagne", "Appel", "Région pilote", "Grappe", "Porteur (FINESS EJ)", "Porteur",
                  "SIREN du porteur",
                  "Nombre de membres", "État", "Montant demandé (€)", "Montant retenu (€)", "Déposé le",
                  "Instructeur", "Étiquettes"]


def lignes_export(qs: QuerySet[Dossier]) -> Iterator[list[object]]:
    for d in qs:
        yield [d.numero, d.grappe.campagne.code, d.get_appel_display(), d.region_pilote.nom if d.region_pilote else "",
               d.grappe.nom, d.grappe.porteur_id, d.grappe.porteur.nom, d.grappe.porteur.siren,
               d.nb_membres,  # type: ignore[attr-defined]  # annotated by the caller
               d.get_etat_display(),
               d.montant_demande, d.montant_retenu, timezone.localtime(d.depose_le).strftime("%d/%m/%Y %H:%M") if d.depose_le else "",
               str(d.instructeur or ""), ", ".join(e.nom for e in d.etiquettes.all())]


def comptes_par_etat(file: QuerySet[Dossier]) -> dict[str, int]:
    """How many dossiers of a queue are in each state (one grouped query)."""
    return dict(Dossier.objects.filter(pk__in=file.values("pk")).order_by()
                .values_list("etat").annotate(n=Count("pk")))


def deja_membres(dossier: Dossier, finess_et: list[str]) -> set[str]:
    """Which of these establishments are already members of the dossier's grappe."""
    return set(Membre.objects.filter(grappe=dossier.grappe, etablissement_id__in=finess_et)
               .values_list("etablissement_id", flat=True))


def demande_de_complement(dossier: Dossier) -> Transition | None:
    """The latest complement request of the dossier, with its author."""
    return (Transition.objects.filter(dossier=dossier, nom="demander_complement")
            .select_related("acteur").order_by("-cree_le", "-id").first())


def mes_dossiers(*, actor: Acteur) -> QuerySet[Dossier]:
    """« Mes dossiers »: the dossiers in the actor's scope, any state, with their member count, latest changed first."""
    return (dossiers(actor=actor).select_related("grappe__campagne", "grappe__porteur", "region_pilote")
            .annotate(nb_membres=Count("grappe__membres", distinct=True)).order_by("-modifie_le", "-id"))


def document_ou_rien(dossier: Dossier, pk: int) -> Document | None:
    return dossier.documents.filter(pk=pk).first()


def campagne(code: str) -> Campagne:
    """A campaign by its code, 404 otherwise (campaigns are public)."""
    return get_object_or_404(Campagne, code=code)


def campagnes_et_versions() -> QuerySet[Campagne]:
    return Campagne.objects.prefetch_related("versions").order_by("-code")


def choix_campagnes() -> list[tuple[str, str]]:
    """Every campaign as (code, label), latest first (the dashboards' filter)."""
    return [(c.code, str(c)) for c in Campagne.objects.order_by("-code")]


def campagne_existe(code: str) -> bool:
    return Campagne.objects.filter(code=code).exists()


def etiquettes_de(dossier: Dossier) -> list[Etiquette]:
    return list(dossier.etiquettes.all())


def etiquettes_de_la_campagne(campagne: Campagne) -> QuerySet[Etiquette]:
    return Etiquette.objects.filter(campagne=campagne)


def etiquette(*, campagne: Campagne, pk: int) -> Etiquette:
    return get_object_or_404(Etiquette, campagne=campagne, pk=pk)


def aucun_dossier() -> QuerySet[Dossier]:
    return Dossier.objects.none()


def avis_a_rendre(*, actor: Acteur) -> QuerySet[Avis]:
    return Avis.objects.filter(expert=compte_de(actor), rendu_le__isnull=True).select_related("dossier")


def verdict_courant(dossier: Dossier) -> tuple[dict[str, Any] | None, str]:
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


def membres_detailles(dossier: Dossier) -> list[Membre]:
    """The grappe's members with their establishment's category and department (the dossier page, exports)."""
    return list(Membre.objects.filter(grappe=dossier.grappe)
                .select_related("etablissement__categorie", "etablissement__departement"))


def documents(dossier: Dossier) -> QuerySet[Document]:
    return dossier.documents.select_related("depose_par")


def document(dossier: Dossier, pk: int) -> Document:
    """One document of a dossier already read within the actor's scope (404 otherwise)."""
    return get_object_or_404(dossier.documents, pk=pk)


def historique_detaille(dossier: Dossier) -> QuerySet[Transition]:
    return dossier.transitions.select_related("acteur")


def echanges(dossier: Dossier) -> QuerySet[Message]:
    return dossier.messages.select_related("auteur", "piece_jointe")


def experts_possibles(dossier: Dossier, *, sauf: Acteur) -> QuerySet[User]:
    """Agents who may give an avis on the dossier: the instructors of its regions other than `sauf`."""
    regions = dossier.regions.values_list("code", flat=True)
    autres = [u.pk for u in comptes_selectors.agents_ars(regions=regions) if u.pk != getattr(sauf, "pk", None)]
    return User.objects.filter(pk__in=autres).order_by("last_name", "username")


def avis_demande(*, actor: Acteur, dossier: Dossier, pk: int) -> Avis:
    """An avis requested from `actor` on this dossier (404 otherwise)."""
    return get_object_or_404(Avis, pk=pk, dossier=dossier, expert=actor)


def membre(pk: int) -> Membre:
    """A grappe member by number (the consent services check who may answer for it)."""
    return get_object_or_404(Membre.objects.select_related("etablissement", "grappe"), pk=pk)
