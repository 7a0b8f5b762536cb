"""Read queries of the usages domain.

- `synthese(dossier, debut, fin)`: per establishment, the report in force, the recomputed count of the
  latest evidence covering it, the gap flag and the figure that validation would retain;
- `dui_actifs_valides(le=…, par=…)`: the national indicator — validated active DUIs at a date, optionally
  by region or sector, in one SQL query (the dashboards call exactly this);
- payment orders for the Caisse des dépôts export.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Case, CharField, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from esms.candidatures.etats import ETATS_DECLARATION
from esms.candidatures.models import Dossier, Membre
from esms.comptes.permissions import Acteur, compte_de, filter_scope, get_in_scope, has_perm, require
from esms.financement.models import Versement
from esms.referentiel.models import Etablissement
from esms.rules import SECTEUR_LIBELLES
from esms.rules.dui_actif import Ecart, comparer, dui_actifs_retenus
from esms.rules.programme import cible_dui_actifs
from esms.usages.models import DuiActifValide, Preuve, RapportIndicateurs, TraitementPreuve, ValidationUsage

CIBLE_DUI_ACTIFS = cible_dui_actifs().valeur.valeur  # stated in the rules (programme.cible_dui_actifs)
GROUPEMENTS = ("region", "secteur")


@dataclass
class LigneSynthese:
    finess_et: str
    raison_sociale: str
    rapport: RapportIndicateurs | None
    recalcule: int | None
    preuve: Preuve | None
    ecart: Ecart

    @property
    def declare(self) -> int | None:
        return self.rapport.dui_actifs if self.rapport else None

    @property
    def retenu(self) -> int | None:
        return dui_actifs_retenus(self.declare, self.recalcule) if self.rapport else None

    def ecart_dict(self) -> dict[str, object]:
        return {"declare": self.declare, "recalcule": self.recalcule, "signale": self.ecart.signale,
                "message": self.ecart.message}


@dataclass
class Synthese:
    debut: date
    fin: date
    lignes: list[LigneSynthese] = field(default_factory=list)

    @property
    def rapports(self) -> list[RapportIndicateurs]:
        return [ligne.rapport for ligne in self.lignes if ligne.rapport]

    @property
    def indicateurs_par_et(self) -> dict[str, dict[str, str]]:
        return {ligne.finess_et: dict(ligne.rapport.valeurs) for ligne in self.lignes if ligne.rapport}

    @property
    def nb_signales(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.ecart.signale)

    @property
    def total_retenu(self) -> int:
        return sum(ligne.retenu or 0 for ligne in self.lignes)


def synthese(dossier: Dossier, debut: date, fin: date, *, tolerance: Decimal | None = None) -> Synthese:
    """One row per member (a grappe has tens of members: three queries, no per-row query)."""
    noms = dict(Membre.objects.filter(grappe_id=dossier.grappe_id).order_by("etablissement_id")
                .values_list("etablissement_id", "etablissement__raison_sociale"))
    rapports: dict[str, RapportIndicateurs] = {}
    for lu in (RapportIndicateurs.objects.filter(dossier=dossier, periode_debut=debut, periode_fin=fin)
               .select_related("auteur").order_by("-cree_le", "-id")):
        rapports.setdefault(lu.etablissement_id, lu)
    recalculs: dict[str, tuple[int, Preuve]] = {}
    for deposee in Preuve.objects.filter(dossier=dossier, periode_debut=debut, periode_fin=fin).order_by("-deposee_le", "-id"):
        for finess, nombre in deposee.resultats.items():
            recalculs.setdefault(finess, (int(nombre), deposee))
    resultat = Synthese(debut, fin)
    for finess, nom in noms.items():
        rapport = rapports.get(finess)
        recalcule, preuve = recalculs.get(finess) or (None, None)
        resultat.lignes.append(LigneSynthese(finess, nom, rapport, recalcule, preuve,
                                             comparer(rapport.dui_actifs if rapport else None, recalcule, tolerance)))
    return resultat


def periodes(dossier: Dossier) -> list[tuple[date, date]]:
    """The periods reported or proven for the dossier, latest first."""
    vues = set(RapportIndicateurs.objects.filter(dossier=dossier).values_list("periode_debut", "periode_fin"))
    vues |= set(Preuve.objects.filter(dossier=dossier).values_list("periode_debut", "periode_fin"))
    return sorted(vues, key=lambda p: (p[1], p[0]), reverse=True)


def exiger_consultation(actor: Acteur) -> None:
    """Usage pages are open to whoever declares usage (porteur, vendor) or consults it (ARS, national)."""
    if not has_perm(actor, "usages.declarer"):
        require(actor, "usages.consulter")


def dossiers_en_usage(*, actor: Acteur) -> QuerySet[Dossier]:
    """The dossiers in usage follow-up within the actor's scope, latest filed first."""
    exiger_consultation(actor)
    return (filter_scope(actor, Dossier.objects.filter(etat__in=ETATS_DECLARATION))
            .select_related("grappe__porteur", "grappe__campagne", "region_pilote").order_by("-depose_le", "-id"))


def dossier_en_usage(*, actor: Acteur, pk: int) -> Dossier:
    """One dossier in usage follow-up, 404 outside the actor's scope."""
    return get_in_scope(actor, dossiers_en_usage(actor=actor).select_related("version"), pk=pk)


def preuves_de(dossier: Dossier, *, debut: date, fin: date, deposees_par: Acteur | None = None) -> QuerySet[Preuve]:
    """The evidence of a period (only what `deposees_par` uploaded, for a vendor)."""
    qs = Preuve.objects.filter(dossier=dossier, periode_debut=debut, periode_fin=fin)
    if deposees_par is not None:
        qs = qs.filter(deposee_par=compte_de(deposees_par))
    return qs.select_related("deposee_par", "maillon")


def traitements_de(dossier: Dossier, *, auteur: Acteur | None = None, limite: int = 10) -> list[TraitementPreuve]:
    """The latest background processings of uploaded files (only `auteur`'s, for a vendor)."""
    qs = TraitementPreuve.objects.filter(dossier=dossier)
    if auteur is not None:
        qs = qs.filter(auteur=compte_de(auteur))
    return list(qs.select_related("auteur")[:limite])


def etablissements_geres(*, actor: Acteur) -> QuerySet[Etablissement]:
    """The establishments whose vendors this actor may authorise, by name."""
    require(actor, "usages.autoriser_editeur")
    return filter_scope(actor, Etablissement.objects.all()).order_by("raison_sociale")


def validations(dossier: Dossier) -> QuerySet[ValidationUsage]:
    return ValidationUsage.objects.filter(dossier=dossier).select_related("acteur", "versement")


# --- National indicator ---------------------------------------------------------------------------

def dui_actifs_valides(*, le: date, par: str | None = None, region: str | None = None) -> list[DuiActifsGroupe]:
    """Validated active DUIs at the end of day `le` (Paris): for each establishment, its latest validated
    figure (validated on or before `le`, for a period ended by then), summed — nationally (`par=None`) or
    grouped by "region" or "secteur"; only the establishments of `region` when given. One SQL query; compare
    with `CIBLE_DUI_ACTIFS`."""
    if par not in (None, *GROUPEMENTS):
        raise ValueError(f"Regroupement inconnu : {par} (attendu : None, « region » ou « secteur »).")
    limite = timezone.make_aware(datetime.combine(le + timedelta(days=1), time(0)))
    en_vigueur = DuiActifValide.objects.filter(valide_le__lt=limite, periode_fin__lte=le)
    dernier = (en_vigueur.filter(etablissement_id=OuterRef("etablissement_id"))
               .order_by("-valide_le", "-id").values("id")[:1])
    lignes = en_vigueur.filter(id=Subquery(dernier))
    if region:
        lignes = lignes.filter(etablissement__region_id=region)
    if par is None:
        total = lignes.aggregate(n=Coalesce(Sum("dui_actifs"), 0))["n"]
        return [{"cle": None, "libelle": "France entière", "dui_actifs": int(total)}]
    if par == "region":
        groupes = (lignes.values(cle=F("etablissement__region_id"), libelle=F("etablissement__region__nom"))
                   .annotate(dui_actifs=Sum("dui_actifs")).order_by("cle"))
        return [{"cle": g["cle"], "libelle": g["libelle"], "dui_actifs": int(g["dui_actifs"])} for g in groupes]
    secteur = Case(When(etablissement__secteur_qualifie="", then=F("etablissement__categorie__secteur")),
                   default=F("etablissement__secteur_qualifie"), output_field=CharField())
    secteurs = (lignes.annotate(cle=secteur).values("cle").annotate(dui_actifs=Sum("dui_actifs")).order_by("cle"))
    return [{"cle": g["cle"], "libelle": SECTEUR_LIBELLES.get(g["cle"], g["cle"]), "dui_actifs": int(g["dui_actifs"])}
            for g in secteurs]


# --- Payment orders -------------------------------------------------------------------------------

ENTETES_VERSEMENTS = ["Numéro de dossier", "Convention", "Porteur (FINESS EJ)", "Porteur (SIREN)", "Porteur",
                      "Type", "Montant (€)", "Statut", "Date"]


class DuiActifsGroupe(TypedDict):
    """Validated active DUIs of one group (region, sector) or of the whole country (`cle` None)."""

    cle: str | None
    libelle: str | None  # a region's name, read through a join
    dui_actifs: int


class _NumeroConvention(TypedDict):
    numero_convention: str


if TYPE_CHECKING:  # django_stubs_ext is a development dependency
    from django_stubs_ext import WithAnnotations

    # A payment order as exported: its convention's number (empty before the convention) annotated.
    VersementExporte: TypeAlias = WithAnnotations[Versement, _NumeroConvention]


def versements(*, actor: Acteur, statut: str | None = None) -> QuerySet[VersementExporte]:
    require(actor, "versements.exporter")
    qs = filter_scope(actor, Versement.objects.exclude(statut=Versement.Statut.ANNULE))
    if statut:
        qs = qs.filter(statut=statut)
    return (qs.select_related("dossier__grappe__porteur", "dossier__convention", "acteur")
            .annotate(numero_convention=Coalesce(F("dossier__convention__numero"), Value("")))
            .order_by("cree_le", "id"))


def lignes_versements(qs: QuerySet[VersementExporte]) -> Iterator[list[object]]:
    for v in qs:
        porteur = v.dossier.grappe.porteur
        yield [v.dossier.numero, v.numero_convention, porteur.finess_ej, porteur.siren or "", porteur.nom,
               v.get_type_display(), v.montant, v.get_statut_display(), timezone.localtime(v.cree_le).date().isoformat()]
