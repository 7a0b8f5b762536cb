"""National administrator's pages on parameter versions: the form editor of a draft, section by section;
the side-by-side comparison of two versions; the simulation of the draft against the version in force
(with its CSV exports); the publication of the draft."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from esms.candidatures import brouillons, comparaison, parametres_formulaire, selectors
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Campagne
from esms.candidatures.regles import campagne_de, version_en_vigueur
from esms.candidatures.simulation import simuler_campagne
from esms.comptes.permissions import require
from esms.exports import FORMATS, reponse_tableau
from esms.refus import pour_page
from esms.rules.schema_campagne import SECTIONS
from esms.rules.simulation import LIBELLES_REGLES, tableaux


def _campagne(code: str) -> Campagne:
    return selectors.campagne(code)


@login_required
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, code: str, section: str) -> HttpResponse:
    require(request.user, "campagnes.gerer")
    campagne = _campagne(code)
    if section not in SECTIONS:
        raise Http404("Section inconnue.")
    brouillon = brouillons.brouillon_de(campagne)
    base = brouillon or version_en_vigueur(campagne)
    generales: list[str] = []
    if request.method == "POST":
        contenu, champs = parametres_formulaire.lire(section, base.parametres[section], request.POST)
        if not any(c.erreurs for c in champs):
            try:
                brouillon = brouillons.enregistrer_section(actor=request.user, campagne=campagne, section=section,
                                                           contenu=contenu)
            except CandidatureRefusee as exc:
                generales = parametres_formulaire.placer(list(exc.messages), champs)
            else:
                messages.success(request, f"Section « {parametres_formulaire.LIBELLES_SECTIONS[section]} » "
                                          f"enregistrée dans le brouillon (version {brouillon.numero}).")
                return redirect(reverse("campagnes:section", args=[code, section]) + "#formulaire")
    else:
        champs = parametres_formulaire.champs(section, base.parametres[section])
    en_erreur = [c for c in champs if c.erreurs]
    return render(request, "campagnes/section.html", {
        "title": f"Paramètres {campagne.code} — {parametres_formulaire.LIBELLES_SECTIONS[section]}",
        "campagne": campagne, "section": section, "sections": parametres_formulaire.LIBELLES_SECTIONS,
        "champs": champs, "en_erreur": en_erreur, "generales": generales, "brouillon": brouillon,
        "base": base, "statuts": ("confirmé", "à confirmer"),
    }, status=400 if en_erreur or generales else 200)


@login_required
def comparer(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "campagnes.gerer")
    campagne = _campagne(code)
    versions = list(campagne.versions.order_by("-numero"))
    if not versions:
        raise Http404("Cette campagne n'a aucune version de paramètres.")
    par_numero = {str(v.numero): v for v in versions}
    en_vigueur = version_en_vigueur(campagne)
    brouillon = brouillons.brouillon_de(campagne)
    gauche = par_numero.get(request.GET.get("a", "")) or en_vigueur
    droite = par_numero.get(request.GET.get("b", "")) or brouillon or versions[0]
    differences = comparaison.comparer(gauche.parametres, droite.parametres)
    sections = [(s, comparaison.libelle_section(s), lignes) for s, lignes in differences.items()]
    return render(request, "campagnes/comparer.html", {
        "title": f"Comparer deux versions — campagne {campagne.code}", "campagne": campagne,
        "versions": versions, "gauche": gauche, "droite": droite, "sections": sections,
        "nb": sum(len(lignes) for _, _, lignes in sections), "affiche": comparaison.affiche,
    })


def _simulation(campagne: Campagne):
    brouillon = brouillons.brouillon_de(campagne)
    if brouillon is None:
        return None, None
    courante = version_en_vigueur(campagne)
    return brouillon, simuler_campagne(campagne, campagne_de(courante), campagne_de(brouillon))


@login_required
def simulation(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "campagnes.gerer")
    campagne = _campagne(code)
    brouillon, resultat = _simulation(campagne)
    contexte = {"title": f"Simulation du brouillon — campagne {campagne.code}", "campagne": campagne,
                "brouillon": brouillon, "en_vigueur": version_en_vigueur(campagne), "formats": FORMATS,
                "aujourdhui": timezone.localdate().isoformat()}
    if resultat is not None:
        s = resultat.simulation
        contexte.update({
            "s": s, "nb_dossiers": len(resultat.numeros), "eligibles_avant": sum(s.avant.eligible),
            "eligibles_apres": sum(s.apres.eligible), "nb_verdicts_changes": len(s.verdicts_changes),
            "changes": [(resultat.numeros[d.rang], d, [LIBELLES_REGLES.get(r, r) for r in d.regles])
                        for d in s.dossiers[:200]],
            "regions": s.regions, "membres": s.membres[:200], "referentiel": s.referentiel[:200],
        })
    return render(request, "campagnes/simulation.html", contexte)


@login_required
def simulation_export(request: HttpRequest, code: str, tableau: str, format: str) -> HttpResponse:
    require(request.user, "campagnes.gerer")
    campagne = _campagne(code)
    brouillon, resultat = _simulation(campagne)
    if resultat is None:
        raise Http404("Aucun brouillon à simuler.")
    tables = tableaux(resultat.simulation, resultat.numeros)
    if tableau not in tables or format not in FORMATS:
        raise Http404("Export inconnu.")
    entetes, lignes = tables[tableau]
    return reponse_tableau(nom=f"simulation-{campagne.code}-v{brouillon.numero}-{tableau}", entetes=entetes,
                           lignes=lignes, format=format, titre=f"Simulation {tableau}")


@login_required
@require_POST
def publier(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "campagnes.gerer")
    campagne = _campagne(code)
    brouillon = brouillons.brouillon_de(campagne)
    if brouillon is None:
        messages.error(request, "Aucun brouillon à publier.")
        return redirect("campagnes:detail", campagne.code)
    try:
        effet = date.fromisoformat(request.POST.get("date_effet", ""))
    except ValueError:
        messages.error(request, "En vigueur à partir du : date attendue au format AAAA-MM-JJ.")
        return redirect("campagnes:simulation", campagne.code)
    try:
        version = brouillons.publier(actor=request.user, version=brouillon, date_effet=effet,
                                     motif=request.POST.get("motif", ""))
    except CandidatureRefusee as exc:
        refus = pour_page(exc, "Publication refusée")
        messages.error(request, f"{refus['titre']} : {' '.join(refus['raisons'])}")
        return redirect("campagnes:simulation", campagne.code)
    messages.success(request, f"Version {version.numero} publiée, en vigueur au {effet:%d/%m/%Y}.")
    return redirect(reverse("campagnes:detail", args=[campagne.code]) + f"?version={version.numero}")
