"""Dashboard pages and their table exports. Thin: the permission layer resolves the perimeter, then the
perimeter's precomputed aggregate is read (`rafraichir.lire`, never recomputed here) and laid out by
`pilotage.pages`; exports are the page's own tables."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from esms.candidatures.selectors import campagne_existe, choix_campagnes
from esms.comptes.permissions import has_perm, require
from esms.comptes.requetes import RequeteConnectee
from esms.exports import FORMATS, reponse_tableau
from esms.pilotage import pages
from esms.pilotage.rafraichir import Lecture, lire
from esms.referentiel.selectors import region_visible, regions_par_nom
from esms.refus import hors_perimetre


def _campagne(request: HttpRequest, campagnes: list[tuple[str, str]] | None = None) -> str | None:
    """The campagne filter when it names an existing campagne (otherwise no filter)."""
    code = (request.GET.get("campagne") or "").strip()
    if not code:
        return None
    if campagnes is not None:
        return code if code in {c for c, _ in campagnes} else None
    return code if campagne_existe(code) else None


def _campagnes() -> list[tuple[str, str]]:
    return choix_campagnes()


def _qs(campagne: str | None) -> str:
    return f"?{urlencode({'campagne': campagne})}" if campagne else ""


def _page(lecture: Lecture, page: str) -> dict:
    """The page laid out in the aggregate, with its freshness (no section while computed for the first time)."""
    stockee = lecture.contenu["pages"][page] if lecture.contenu is not None else None
    contenu = pages.depuis_json(stockee) if stockee is not None else {"sections": [], "tableaux": {}}
    return {**contenu, "calcule_le": lecture.calcule_le, "a_jour": lecture.a_jour, "en_cours": lecture.en_cours}


def _contexte(contenu: dict, *, url_export: str, args: list[str], campagne: str | None, **extra) -> dict:
    """The page context: the aggregate's sections, each table with its download links (same filters)."""
    qs = _qs(campagne)
    blocs = [{"section": s, "tableaux": [
        {"tableau": t, "liens": [(fmt.upper(), reverse(url_export, args=[*args, t.slug, fmt]) + qs) for fmt in FORMATS]}
        for t in s.tableaux]} for s in contenu["sections"]]
    return {**contenu, **extra, "blocs": blocs, "campagne": campagne}


@login_required
@require_GET
def accueil(request: RequeteConnectee) -> HttpResponse:
    """National dashboard for national administrators; ARS agents are sent to their region's."""
    user = request.user
    if not has_perm(user, "pilotage.national"):
        require(user, "pilotage.regional")
        if not user.region_id:
            raise hors_perimetre("Votre compte n'est rattaché à aucune région.")
        return redirect(reverse("pilotage:region", args=[user.region_id]) + _qs(_campagne(request)))
    campagnes = _campagnes()
    campagne = _campagne(request, campagnes)
    region = (request.GET.get("region") or "").strip()
    if region:
        region_visible(actor=user, code=region)
        return redirect(reverse("pilotage:region", args=[region]) + _qs(campagne))
    contenu = _page(lire(region=None, campagne=campagne), "tableau_de_bord")
    return render(request, "pilotage/tableau_de_bord.html", _contexte(
        contenu, url_export="pilotage:export", args=[], campagne=campagne, title="Pilotage national",
        perimetre="France entière", campagnes=campagnes, region=None,
        regions=regions_par_nom()))


@login_required
@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    """A region's dashboard: national administrators (any region), ARS agents (their own, 404 otherwise)."""
    require(request.user, "pilotage.regional")
    reg = region_visible(actor=request.user, code=code)
    campagnes = _campagnes()
    campagne = _campagne(request, campagnes)
    contenu = _page(lire(region=reg.code, campagne=campagne), "tableau_de_bord")
    national = has_perm(request.user, "pilotage.national")
    return render(request, "pilotage/tableau_de_bord.html", _contexte(
        contenu, url_export="pilotage:export_region", args=[reg.code], campagne=campagne,
        title=f"Pilotage — {reg.nom}", perimetre=reg.nom, campagnes=campagnes, region=reg,
        regions=regions_par_nom() if national else None))


def _export(contenu: dict, *, tableau: str, format: str, nom: str) -> HttpResponse:
    if format not in FORMATS:
        raise Http404("Format d'export inconnu.")
    t = contenu["tableaux"].get(tableau)
    if t is None:
        raise Http404("Tableau inconnu.")
    return reponse_tableau(nom=f"{nom}-{t.slug}", entetes=t.entetes, lignes=t.lignes_export(), format=format,
                           titre=t.titre)


@login_required
@require_GET
def export(request: HttpRequest, tableau: str, format: str) -> HttpResponse:
    require(request.user, "pilotage.national")
    campagne = _campagne(request)
    contenu = _page(lire(region=None, campagne=campagne), "tableau_de_bord")
    return _export(contenu, tableau=tableau, format=format, nom="pilotage-national" + (f"-{campagne}" if campagne else ""))


@login_required
@require_GET
def export_region(request: HttpRequest, code: str, tableau: str, format: str) -> HttpResponse:
    require(request.user, "pilotage.regional")
    reg = region_visible(actor=request.user, code=code)
    campagne = _campagne(request)
    contenu = _page(lire(region=reg.code, campagne=campagne), "tableau_de_bord")
    return _export(contenu, tableau=tableau, format=format,
                   nom=f"pilotage-region-{reg.code}" + (f"-{campagne}" if campagne else ""))


@require_GET
def statistiques(request: HttpRequest) -> HttpResponse:
    """The public statistics page (anonymous): aggregates only."""
    campagnes = _campagnes()
    campagne = _campagne(request, campagnes)
    contenu = _page(lire(region=None, campagne=campagne), "statistiques")
    return render(request, "pilotage/statistiques.html", _contexte(
        contenu, url_export="statistiques:export", args=[], campagne=campagne, title="Statistiques publiques",
        campagnes=campagnes))


@require_GET
def statistiques_export(request: HttpRequest, tableau: str, format: str) -> HttpResponse:
    campagne = _campagne(request)
    contenu = _page(lire(region=None, campagne=campagne), "statistiques")
    return _export(contenu, tableau=tableau, format=format,
                   nom="esms-numerique-statistiques" + (f"-{campagne}" if campagne else ""))
