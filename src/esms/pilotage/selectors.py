"""Every figure of the dashboards and of the public statistics, as plain data (dicts, lists of dicts).

Each function is a handful of aggregate queries, whatever the volume (never one query per row), takes the
perimeter as keyword arguments and knows nothing of users: the caller (a view, the REST API) resolves the
perimeter through the permission layer first.

Perimeter: `region` (INSEE code, None = national) and `campagne` (code, None = every campagne).

Definitions (the same in the tests' independent SQL):
- a dossier is **retenu** when its state is retenu, conventionné, en suivi d'usage, soldé, or clos after
  a selection (clos with a `montant_retenu`; a dossier closed after a refusal has none);
- an establishment is **embarqué** when it is a member of a retained dossier (counted once);
- an establishment is **éligible** when it is open and its FINESS category is eligible;
- the **secteur** of an establishment is the one an agent qualified, else its category's;
- a dossier is in a region when one of its members is (`Dossier.regions`, as the permission layer says):
  a multi-regional dossier counts in each of its regions, the national total counts it once;
- envelope figures are the sum of the ledger; a payment (versement) belongs to the envelope its dossier
  commits: the lead region's, or the national envelope for the national call;
- brouillons (not filed) are never counted: they are the porteur's private work.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone

from esms.candidatures.etats import ETATS_FINANCES, Etat
from esms.candidatures.models import Dossier, Membre
from esms.financement.models import Enveloppe, Versement
from esms.referentiel.models import Departement, Etablissement, Region
from esms.rules.categories import SECTEUR_LIBELLES
from esms.rules.programme import cible_dui_actifs, cible_essms
from esms.usages import selectors as usages

# National targets, stated in the rules (programme.cible_essms, programme.cible_dui_actifs).
CIBLE_ETABLISSEMENTS = cible_essms().valeur.valeur
CIBLE_DUI_ACTIFS_DEFAUT = cible_dui_actifs().valeur.valeur
FUSEAU = ZoneInfo("Europe/Paris")

ETATS_AFFICHES = [e for e in Etat if e != Etat.BROUILLON]
APPELS = list(Dossier.Appel)

# (upper bound excluded, label): members of a grappe, and open eligible ESSMS of an organisme gestionnaire.
TRANCHES_GRAPPE = ((15, "moins de 15 ESSMS"), (20, "15 à 19 ESSMS"), (30, "20 à 29 ESSMS"),
                   (50, "30 à 49 ESSMS"), (None, "50 ESSMS et plus"))
TRANCHES_ORGANISME = ((2, "1 ESSMS au plus"), (5, "2 à 4 ESSMS"), (10, "5 à 9 ESSMS"),
                      (50, "10 à 49 ESSMS"), (None, "50 ESSMS et plus"))


# --- Building blocks ------------------------------------------------------------------------------------

def q_retenu(prefixe: str = "") -> Q:
    """Dossiers selected by their ARS (or nationally), whatever happened next (`etats.ETATS_FINANCES`; a closed
    dossier only with its retained amount)."""
    return (Q(**{f"{prefixe}etat__in": ETATS_FINANCES})
            & ~Q(**{f"{prefixe}etat": Etat.CLOS, f"{prefixe}montant_retenu__isnull": True}))


def secteur_effectif(prefixe: str = "") -> Coalesce:
    """The establishment's sector: the qualified one when an agent set it, else its category's."""
    return Coalesce(NullIf(F(f"{prefixe}secteur_qualifie"), Value("")), F(f"{prefixe}categorie__secteur"),
                    output_field=CharField())


def _tranche(expression: str, tranches: Sequence[tuple[int | None, str]]) -> Case:
    """The index of the size band (0, 1, …) of an integer expression."""
    whens = [When(**{f"{expression}__lt": borne}, then=Value(i)) for i, (borne, _) in enumerate(tranches) if borne]
    return Case(*whens, default=Value(len(tranches) - 1), output_field=IntegerField())


def dossiers_deposes(*, region: str | None = None, campagne: str | None = None) -> QuerySet[Dossier]:
    """Filed dossiers (never brouillons) of the perimeter; the region through `Dossier.regions`."""
    qs = Dossier.objects.exclude(etat=Etat.BROUILLON)
    if campagne:
        qs = qs.filter(grappe__campagne__code=campagne)
    if region:
        qs = qs.filter(pk__in=Dossier.regions.through.objects.filter(region_id=region).values("dossier_id"))
    return qs


def membres_retenus(*, region: str | None = None, campagne: str | None = None) -> QuerySet[Membre]:
    """Members of retained dossiers; the region is the establishment's."""
    qs = Membre.objects.filter(q_retenu("grappe__dossier__"))
    if campagne:
        qs = qs.filter(grappe__campagne__code=campagne)
    if region:
        qs = qs.filter(etablissement__region_id=region)
    return qs


def etablissements_eligibles(*, region: str | None = None) -> QuerySet[Etablissement]:
    qs = Etablissement.objects.filter(ouvert=True, categorie__eligible=True)
    return qs.filter(region_id=region) if region else qs


def _taux(numerateur: int | None, denominateur: int | None) -> float | None:
    if numerateur is None or not denominateur:
        return None
    return round(100 * numerateur / denominateur, 1)


# --- Headline indicators ------------------------------------------------------------------------------

def etablissements_embarques(*, region: str | None = None, campagne: str | None = None) -> int:
    n: int = membres_retenus(region=region, campagne=campagne).aggregate(
        n=Count("etablissement_id", distinct=True))["n"]
    return n


def dossiers_retenus(*, region: str | None = None, campagne: str | None = None) -> dict[str, Any]:
    """Number of retained dossiers and the total retained amount (euros)."""
    sommes = dossiers_deposes(region=region, campagne=campagne).filter(q_retenu()).aggregate(
        dossiers=Count("pk"), montant=Coalesce(Sum("montant_retenu"), 0))
    return {"dossiers": sommes["dossiers"], "montant_retenu": sommes["montant"]}


def dui_actifs(*, region: str | None = None, le: date | None = None) -> dict[str, Any]:
    """Active DUIs from the usages app (validated indicators): national or of one region (0 before any
    validation). `disponible` stays in the answer for the pages, which say « en cours de collecte » otherwise."""
    cible = getattr(usages, "CIBLE_DUI_ACTIFS", CIBLE_DUI_ACTIFS_DEFAUT)
    le = le or timezone.localdate()
    if region:
        lignes = [ligne for ligne in usages.dui_actifs_valides(le=le, par="region") if ligne["cle"] == region]
    else:
        lignes = list(usages.dui_actifs_valides(le=le, par=None))
    valeur = sum(int(ligne["dui_actifs"] or 0) for ligne in lignes)
    return {"disponible": True, "dui_actifs": valeur, "cible": cible, "taux": _taux(valeur, cible), "le": le}


def dui_actifs_par(*, par: str, region: str | None = None, le: date | None = None) -> list[dict[str, Any]]:
    """Active DUIs by region or sector (validated indicators), of one region's establishments when given."""
    lignes = usages.dui_actifs_valides(le=le or timezone.localdate(), par=par, region=region)
    return [{"cle": ligne["cle"], "libelle": ligne["libelle"], "dui_actifs": int(ligne["dui_actifs"] or 0)}
            for ligne in lignes]


def indicateurs_cles(*, region: str | None = None, campagne: str | None = None) -> dict[str, Any]:
    """ESSMS embarqués against the 36 500 target, retained dossiers and amounts, active DUIs against 410 000.
    The targets are national: for a region, `taux` is its contribution to the national target."""
    embarques = etablissements_embarques(region=region, campagne=campagne)
    return {
        "etablissements_embarques": embarques,
        "cible_etablissements": CIBLE_ETABLISSEMENTS,
        "taux_etablissements": _taux(embarques, CIBLE_ETABLISSEMENTS),
        **dossiers_retenus(region=region, campagne=campagne),
        "dui": dui_actifs(region=region),
    }


# --- Territorial coverage -------------------------------------------------------------------------------

def _compte(queryset: QuerySet[Any], colonne: str, *, distinct: str | None = None) -> Coalesce:
    """A correlated count subquery on `colonne` = the outer row's code."""
    agregat = Count(distinct, distinct=True) if distinct else Count("pk")
    return Coalesce(Subquery(queryset.filter(**{colonne: OuterRef("code")}).order_by().values(colonne)
                             .annotate(n=agregat).values("n")[:1], output_field=IntegerField()), 0)


def couverture(*, par: str = "region", region: str | None = None, campagne: str | None = None) -> list[dict[str, Any]]:
    """By region or département: eligible ESSMS, embarked ESSMS, coverage rate (%), and for regions the
    retained dossiers. One query (correlated subqueries)."""
    if par not in ("region", "departement"):
        raise ValueError(f"Découpage inconnu : {par} (attendu : region ou departement).")
    colonne = f"{par}_id"
    qs: QuerySet[Any] = Region.objects.all() if par == "region" else Departement.objects.all()
    if region:
        qs = qs.filter(code=region) if par == "region" else qs.filter(region_id=region)
    qs = qs.annotate(
        eligibles=_compte(etablissements_eligibles(), colonne),
        embarques=_compte(membres_retenus(campagne=campagne), f"etablissement__{colonne}",
                          distinct="etablissement_id"),
    )
    champs = ["code", "nom", "eligibles", "embarques"]
    if par == "departement":
        champs += ["region_id"]
    else:
        lien = Dossier.regions.through.objects.filter(
            q_retenu("dossier__"), **({"dossier__grappe__campagne__code": campagne} if campagne else {}))
        qs = qs.annotate(dossiers_retenus=_compte(lien, "region_id"))
        champs += ["dossiers_retenus"]
    lignes = []
    for ligne in qs.order_by("code").values(*champs):
        ligne["taux"] = _taux(ligne["embarques"], ligne["eligibles"])
        lignes.append(ligne)
    return lignes


# --- Envelopes and payments ----------------------------------------------------------------------------

def enveloppes_par_region(*, region: str | None = None, campagne: str | None = None) -> list[dict[str, Any]]:
    """Per ARS (and the national envelope): dotation, engagé (net of releases), disponible, and the payments
    programmed, ordered and paid of the dossiers committing that envelope. Two queries."""
    enveloppes = Enveloppe.objects.all()
    versements = Versement.objects.exclude(statut=Versement.Statut.ANNULE)
    if campagne:
        enveloppes = enveloppes.filter(campagne__code=campagne)
        versements = versements.filter(dossier__grappe__campagne__code=campagne)
    if region:
        enveloppes = enveloppes.filter(region_id=region)
        versements = versements.filter(dossier__region_pilote_id=region).exclude(dossier__appel=Dossier.Appel.NATIONAL)
    lignes: dict[str | None, dict[str, Any]] = {}

    def ligne(code: str | None, nom: str | None) -> dict[str, Any]:
        return lignes.setdefault(code, {
            "region": code, "libelle": nom or "Enveloppe nationale (appel national)", "dotation": 0, "engage": 0,
            "disponible": 0, "versements_programmes": 0, "versements_ordonnes": 0, "versements_payes": 0})

    for e in (enveloppes.values("region_id", "region__nom").order_by()
              .annotate(dotation=Coalesce(Sum("lignes__montant", filter=Q(lignes__type="dotation")), 0),
                        solde=Coalesce(Sum("lignes__montant"), 0))):
        cible = ligne(e["region_id"], e["region__nom"])
        cible.update(dotation=e["dotation"], engage=e["dotation"] - e["solde"], disponible=e["solde"])
    region_enveloppe = Case(When(dossier__appel=Dossier.Appel.NATIONAL, then=Value(None)),
                            default=F("dossier__region_pilote_id"), output_field=CharField())
    for v in (versements.annotate(env=region_enveloppe).values("env", "dossier__region_pilote__nom").order_by()
              .annotate(versements_programmes=Coalesce(Sum("montant", filter=Q(statut="programme")), 0),
                        versements_ordonnes=Coalesce(Sum("montant", filter=Q(statut="ordonne")), 0),
                        versements_payes=Coalesce(Sum("montant", filter=Q(statut="paye")), 0))):
        cible = ligne(v["env"], v["dossier__region_pilote__nom"] if v["env"] else None)
        for cle in ("versements_programmes", "versements_ordonnes", "versements_payes"):
            cible[cle] += v[cle]
    return sorted(lignes.values(), key=lambda x: (x["region"] is None, _cle_de_tri(x["libelle"])))


def rapprochement_budgetaire(*, campagne: str | None = None) -> list[dict[str, Any]]:
    """Per campaign: the ARS envelopes' and the national envelope's dotations plus the fees, reconciled with
    the programme total published for that campaign (rules: `esms.rules.budget.rapprocher`). One query for
    the dotations; the parameters are those of the version in force."""
    from esms.candidatures.models import Campagne
    from esms.candidatures.regles import VersionIntrouvable, campagne_de, version_en_vigueur
    from esms.rules.budget import rapprocher

    dotations = (Enveloppe.objects.filter(**({"campagne__code": campagne} if campagne else {}))
                 .values("campagne__code").order_by()
                 .annotate(ars=Coalesce(Sum("lignes__montant", filter=Q(lignes__type="dotation", region__isnull=False)), 0),
                           nationale=Coalesce(Sum("lignes__montant", filter=Q(lignes__type="dotation",
                                                                               region__isnull=True)), 0)))
    par_code = {d["campagne__code"]: d for d in dotations}
    lignes = []
    for camp in Campagne.objects.filter(code__in=par_code).order_by("code"):
        try:
            parametres = campagne_de(version_en_vigueur(camp))
        except VersionIntrouvable:
            continue
        d = par_code[camp.code]
        verdict = rapprocher(parametres, enveloppes_ars=d["ars"], enveloppe_nationale=d["nationale"])
        r = verdict.valeur
        lignes.append({"campagne": camp.code, "total_publie": r.total_publie, "regional_publie": r.regional_publie,
                       "enveloppes_ars": r.enveloppes_ars, "national_publie": r.national_publie,
                       "enveloppe_nationale": r.enveloppe_nationale, "frais_gestion": r.frais_gestion,
                       "total_plateforme": r.total_plateforme, "ecart": r.ecart,
                       "hors_programme": r.lignes_hors_programme, "message": verdict.motifs[0].message,
                       "source": verdict.motifs[0].source})
    return lignes


def _cle_de_tri(texte: str) -> str:
    """Alphabetical order of French names (Île-de-France among the I)."""
    return unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode().lower()


# --- Dossiers ---------------------------------------------------------------------------------------------

def dossiers_par_etat_et_appel(*, region: str | None = None, campagne: str | None = None) -> list[dict[str, Any]]:
    """One row per state (brouillon excluded): the number of dossiers of each call and their total."""
    comptes = {(d["etat"], d["appel"]): d["n"] for d in dossiers_deposes(region=region, campagne=campagne)
               .values("etat", "appel").order_by().annotate(n=Count("pk"))}
    lignes = []
    for etat in ETATS_AFFICHES:
        par_appel = {appel.value: comptes.get((etat.value, appel.value), 0) for appel in APPELS}
        autres = sum(n for (e, a), n in comptes.items() if e == etat.value and a not in par_appel)
        lignes.append({"etat": etat.value, "libelle": etat.label, **par_appel,
                       "total": sum(par_appel.values()) + autres})
    return lignes


def evolution_mensuelle(*, region: str | None = None, campagne: str | None = None) -> list[dict[str, Any]]:
    """Per month (Paris time), from the first to the last active month: dossiers filed, and dossiers decided,
    split into retained and not retained (non retenu, sans suite). Two queries."""
    qs = dossiers_deposes(region=region, campagne=campagne)
    deposes = {_mois(d["mois"]): d["n"] for d in qs.filter(depose_le__isnull=False)
               .annotate(mois=TruncMonth("depose_le", tzinfo=FUSEAU)).values("mois").order_by()
               .annotate(n=Count("pk"))}
    decides = {_mois(d["mois"]): d for d in qs.filter(decide_le__isnull=False)
               .annotate(mois=TruncMonth("decide_le", tzinfo=FUSEAU)).values("mois").order_by()
               .annotate(retenus=Count("pk", filter=q_retenu()), non_retenus=Count("pk", filter=~q_retenu()))}
    mois = sorted(set(deposes) | set(decides))
    if not mois:
        return []
    lignes = []
    for m in _suite_de_mois(mois[0], mois[-1]):
        d = decides.get(m)
        lignes.append({"mois": m, "deposes": deposes.get(m, 0), "retenus": d["retenus"] if d else 0,
                       "non_retenus": d["non_retenus"] if d else 0})
    return lignes


def _mois(valeur: date | datetime) -> str:
    return f"{valeur.year:04d}-{valeur.month:02d}"


def _suite_de_mois(premier: str, dernier: str) -> list[str]:
    annee, mois = int(premier[:4]), int(premier[5:])
    suite = []
    while (cle := f"{annee:04d}-{mois:02d}") <= dernier:
        suite.append(cle)
        annee, mois = (annee + 1, 1) if mois == 12 else (annee, mois + 1)
    return suite


# --- Mix of the selected establishments ---------------------------------------------------------------------

def secteurs_embarques(*, region: str | None = None, campagne: str | None = None) -> list[dict[str, Any]]:
    """Embarked ESSMS by sector (balanced sectors is a selection criterion of the ARS)."""
    comptes = {s["secteur"]: s["n"] for s in membres_retenus(region=region, campagne=campagne)
               .annotate(secteur=secteur_effectif("etablissement__")).values("secteur").order_by()
               .annotate(n=Count("etablissement_id", distinct=True))}
    total = sum(comptes.values())
    ordre = list(SECTEUR_LIBELLES) + sorted(set(comptes) - set(SECTEUR_LIBELLES))
    return [{"secteur": s, "libelle": SECTEUR_LIBELLES.get(s, s), "etablissements": comptes[s],
             "part": _taux(comptes[s], total)} for s in ordre if s in comptes]


def tailles_grappes(*, region: str | None = None, campagne: str | None = None) -> list[dict[str, Any]]:
    """Retained dossiers by size band of their grappe (number of members, all regions), with the members."""
    nb_membres = Subquery(Membre.objects.filter(grappe_id=OuterRef("grappe_id")).order_by().values("grappe_id")
                          .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField())
    comptes: dict[int, Mapping[str, Any]] = {t["tranche"]: t for t in dossiers_deposes(region=region, campagne=campagne).filter(q_retenu())
               .annotate(membres=Coalesce(nb_membres, 0)).annotate(tranche=_tranche("membres", TRANCHES_GRAPPE))
               .values("tranche").order_by().annotate(dossiers=Count("pk"), etablissements=Sum("membres"))}
    return [{"tranche": i, "libelle": libelle, "dossiers": comptes.get(i, {}).get("dossiers", 0),
             "etablissements": comptes.get(i, {}).get("etablissements", 0) or 0}
            for i, (_, libelle) in enumerate(TRANCHES_GRAPPE)]


def tailles_organismes(*, region: str | None = None, campagne: str | None = None) -> list[dict[str, Any]]:
    """Embarked ESSMS by size of their organisme gestionnaire (its open eligible ESSMS in FINESS)."""
    taille = Subquery(etablissements_eligibles().filter(organisme_id=OuterRef("etablissement__organisme_id"))
                      .order_by().values("organisme_id").annotate(n=Count("pk")).values("n")[:1],
                      output_field=IntegerField())
    comptes = {t["tranche"]: t["n"] for t in membres_retenus(region=region, campagne=campagne)
               .annotate(taille=Coalesce(taille, 0)).annotate(tranche=_tranche("taille", TRANCHES_ORGANISME))
               .values("tranche").order_by().annotate(n=Count("etablissement_id", distinct=True))}
    return [{"tranche": i, "libelle": libelle, "etablissements": comptes.get(i, 0)}
            for i, (_, libelle) in enumerate(TRANCHES_ORGANISME)]


# --- Référentiel (public) ----------------------------------------------------------------------------------

def eligibles_par_region_et_secteur() -> list[dict[str, Any]]:
    """Open eligible ESSMS by region and sector, from the FINESS référentiel. Two queries."""
    comptes: dict[str, dict[str, int]] = {}
    for c in (etablissements_eligibles().annotate(secteur_de=secteur_effectif()).values("region_id", "secteur_de")
              .order_by().annotate(n=Count("pk"))):
        comptes.setdefault(c["region_id"], {})[c["secteur_de"]] = c["n"]
    lignes = []
    for code, nom in Region.objects.order_by("code").values_list("code", "nom"):
        secteurs = comptes.get(code, {})
        lignes.append({"region": code, "libelle": nom, "secteurs": secteurs, "total": sum(secteurs.values())})
    return lignes


def geographie() -> dict[str, Any]:
    """Regions and départements (codes, names), for the map. Two small queries."""
    return {
        "regions": {code: nom for code, nom in Region.objects.values_list("code", "nom")},
        "departements": [{"code": code, "nom": nom, "region": reg}
                         for code, nom, reg in Departement.objects.order_by("code")
                         .values_list("code", "nom", "region_id")],
    }
