"""Campagne pages: the list, a version's parameters with their sources, and a new dated version
(national administrators), validated by the rules before anything is written."""

from __future__ import annotations

from datetime import date

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from esms.candidatures import campagnes, etiquettes, selectors
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Etiquette
from esms.candidatures.regles import version_en_vigueur
from esms.comptes.permissions import has_perm, require


def _feuilles(noeud, chemin: str = ""):
    """Flatten a parameter tree into (path, leaf) rows for display."""
    if isinstance(noeud, dict) and "valeur" in noeud and "statut" in noeud:
        yield chemin, noeud
    elif isinstance(noeud, dict):
        for cle, valeur in noeud.items():
            yield from _feuilles(valeur, f"{chemin}.{cle}" if chemin else str(cle))


@login_required
def liste(request: HttpRequest) -> HttpResponse:
    require(request.user, "candidatures.consulter")
    lignes = []
    for campagne in selectors.campagnes_et_versions():
        versions = list(campagne.versions.all())
        lignes.append({"campagne": campagne, "nb_versions": len(versions),
                       "en_vigueur": version_en_vigueur(campagne) if versions else None})
    return render(request, "campagnes/liste.html", {"title": "Campagnes", "lignes": lignes})


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "candidatures.consulter")
    campagne = selectors.campagne(code)
    versions = list(campagne.versions.select_related("creee_par").order_by("-numero"))
    if not versions:
        raise Http404("Cette campagne n'a aucune version de paramètres.")
    numero = request.GET.get("version")
    version = next((v for v in versions if str(v.numero) == numero), None) or version_en_vigueur(campagne)
    a_confirmer = sum(1 for _, f in _feuilles(version.parametres) if f.get("statut") == "à confirmer")
    return render(request, "campagnes/detail.html", {
        "title": f"Campagne {campagne.code}", "campagne": campagne, "versions": versions, "version": version,
        "feuilles": list(_feuilles(version.parametres)), "a_confirmer": a_confirmer,
        "peut_modifier": has_perm(request.user, "campagnes.gerer"),
        "etiquettes": selectors.etiquettes_de_la_campagne(campagne) if has_perm(request.user, "candidatures.instruire")
        else [], "couleurs": Etiquette.Couleur.choices,
    })


@login_required
@require_POST
def creer_etiquette(request: HttpRequest, code: str) -> HttpResponse:
    campagne = selectors.campagne(code)
    try:
        etiquette = etiquettes.creer(actor=request.user, campagne=campagne, nom=request.POST.get("nom", ""),
                                     couleur=request.POST.get("couleur", ""))
    except CandidatureRefusee as exc:
        messages.error(request, "Étiquette non créée : " + " ".join(exc.messages))
    else:
        messages.success(request, f"Étiquette « {etiquette.nom} » créée pour la campagne {campagne.code}.")
    return redirect(reverse("campagnes:detail", args=[campagne.code]) + "#etiquettes")


@login_required
@require_POST
def supprimer_etiquette(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    campagne = selectors.campagne(code)
    require(request.user, "campagnes.gerer")
    etiquette = selectors.etiquette(campagne=campagne, pk=pk)
    etiquettes.supprimer(actor=request.user, etiquette=etiquette)
    messages.success(request, f"Étiquette « {etiquette.nom} » supprimée.")
    return redirect(reverse("campagnes:detail", args=[campagne.code]) + "#etiquettes")


@login_required
@require_http_methods(["GET", "POST"])
def nouvelle_version(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "campagnes.gerer")
    campagne = selectors.campagne(code)
    courante = version_en_vigueur(campagne)
    erreurs: list[str] = []
    texte = request.POST.get("parametres") or yaml.safe_dump(courante.parametres, allow_unicode=True, sort_keys=False)
    date_effet = request.POST.get("date_effet") or timezone.localdate().isoformat()
    motif = request.POST.get("motif", "")
    if request.method == "POST":
        try:
            effet = date.fromisoformat(date_effet)
        except ValueError:
            erreurs.append("date d'effet : date invalide (format AAAA-MM-JJ).")
        try:
            parametres = yaml.safe_load(texte)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            lieu = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "paramètres"
            erreurs.append(f"{lieu} : YAML invalide ({getattr(exc, 'problem', exc)}).")
        if not erreurs:
            try:
                version = campagnes.nouvelle_version(actor=request.user, campagne=campagne,
                                                     parametres=_dates_en_texte(parametres), date_effet=effet,
                                                     motif=motif)
            except CandidatureRefusee as exc:
                erreurs.extend(exc.messages)
            else:
                messages.success(request, f"Version {version.numero} enregistrée, en vigueur au {effet:%d/%m/%Y}.")
                return redirect(reverse("campagnes:detail", args=[campagne.code]) + f"?version={version.numero}")
    return render(request, "campagnes/nouvelle_version.html", {
        "title": f"Nouvelle version — campagne {campagne.code}", "campagne": campagne, "courante": courante,
        "texte": texte, "date_effet": date_effet, "motif": motif, "erreurs": erreurs,
    }, status=400 if erreurs else 200)


def _dates_en_texte(noeud):
    """YAML reads 2024-09-15 as a date; the stored JSON keeps ISO strings."""
    if isinstance(noeud, dict):
        return {k: _dates_en_texte(v) for k, v in noeud.items()}
    if isinstance(noeud, list):
        return [_dates_en_texte(v) for v in noeud]
    if isinstance(noeud, date):
        return noeud.isoformat()
    return noeud
