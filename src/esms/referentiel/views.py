"""Référentiel pages: establishment search (htmx live results, CSV export), establishment and OG pages,
qualification, FINESS imports list and upload. Thin: forms, selectors and services do the work."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from esms import televersements
from esms.comptes.permissions import has_perm, in_scope, require
from esms.comptes.requetes import RequeteConnectee
from esms.exports import ecrivain_csv
from esms.referentiel import selectors, services
from esms.referentiel.carte import carte
from esms.referentiel.erreurs import ErreurReferentiel
from esms.referentiel.forms import ImportForm, QualificationForm, RechercheForm
from esms.referentiel.taches import importer_finess_en_tache
from esms.rules.categories import SECTEUR_LIBELLES
from esms.televersements import genre_televersement, refus_de_la_requete

PAR_PAGE = 50
COLONNES_CSV = (
    ("finess_et", "FINESS ET"), ("organisme_id", "FINESS EJ"), ("organisme__raison_sociale", "Organisme gestionnaire"),
    ("organisme__siren", "SIREN de l'organisme"), ("raison_sociale", "Raison sociale"),
    ("numero_voie", "N° voie"), ("type_voie", "Type voie"), ("voie", "Voie"), ("lieu_dit_bp", "Lieu-dit / BP"),
    ("ligne_acheminement", "Ligne d'acheminement"), ("code_commune", "Code commune"),
    ("departement_id", "Département"), ("region_id", "Région"), ("categorie_id", "Catégorie"),
    ("categorie__libelle", "Libellé catégorie"), ("categorie__eligible", "Éligible"),
    ("categorie__secteur", "Secteur de la catégorie"), ("secteur_qualifie", "Secteur qualifié"),
    ("siret", "SIRET"), ("telephone", "Téléphone"), ("date_ouverture", "Date d'ouverture"),
    ("ouvert", "Ouvert"), ("ferme_le", "Fermé le"), ("latitude", "Latitude"), ("longitude", "Longitude"),
)


class _Tampon:
    def write(self, valeur: str) -> str:
        return valeur


def _export_csv(etablissements) -> StreamingHttpResponse:
    ecrivain = ecrivain_csv(_Tampon(), lineterminator="\r\n")

    def lignes():
        yield "\ufeff" + ecrivain.writerow([titre for _, titre in COLONNES_CSV])
        for ligne in etablissements.values_list(*(nom for nom, _ in COLONNES_CSV)).iterator(chunk_size=2000):
            yield ecrivain.writerow(["oui" if v is True else "non" if v is False else v for v in ligne])

    reponse = StreamingHttpResponse(lignes(), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="etablissements-finess-{datetime.now():%Y%m%d-%H%M}.csv"'
    return reponse


@login_required
def recherche(request: RequeteConnectee) -> HttpResponseBase:
    form = RechercheForm(request.GET or None)
    criteres = form.criteres() if request.GET else {"statut": "ouverts"}
    etablissements = selectors.rechercher_etablissements(actor=request.user, **criteres)
    if request.GET.get("export") == "csv":
        return _export_csv(etablissements)
    page = Paginator(etablissements, PAR_PAGE).get_page(request.GET.get("page"))
    contexte = {"title": "Établissements FINESS", "form": form, "page_obj": page, "secteurs": SECTEUR_LIBELLES}
    if request.htmx and not request.htmx.boosted:
        return render(request, "referentiel/_resultats.html", contexte)
    return render(request, "referentiel/recherche.html", contexte)


def _page_etablissement(request: HttpRequest, finess_et: str, form: QualificationForm | None = None,
                        status: int = 200) -> HttpResponse:
    etablissement = selectors.etablissement(actor=request.user, finess_et=finess_et)
    peut_qualifier = has_perm(request.user, "referentiel.qualifier") and in_scope(request.user, etablissement)
    if peut_qualifier and form is None:
        form = QualificationForm(initial={"secteur": etablissement.secteur_qualifie})
    mini_carte = carte(selectors.points_du_departement(etablissement.departement_id),
                       finess_et=etablissement.finess_et, latitude=etablissement.latitude,
                       longitude=etablissement.longitude)
    return render(request, "referentiel/etablissement.html", {
        "title": f"{etablissement.raison_sociale} ({etablissement.finess_et})", "et": etablissement,
        "commune": selectors.commune(etablissement.code_commune), "carte": mini_carte,
        "secteur_libelle": SECTEUR_LIBELLES.get(etablissement.secteur, etablissement.secteur),
        "secteur_categorie": SECTEUR_LIBELLES.get(etablissement.categorie.secteur, etablissement.categorie.secteur),
        "form": form if peut_qualifier else None,
        "historique": selectors.historique(objet="et", cle=etablissement.finess_et),
    }, status=status)


@login_required
def etablissement(request: HttpRequest, finess_et: str) -> HttpResponse:
    return _page_etablissement(request, finess_et)


@login_required
@require_POST
def qualifier(request: HttpRequest, finess_et: str) -> HttpResponse:
    # The référentiel is open data: an establishment outside the agent's region is refused (403), before the form.
    require(request.user, "referentiel.qualifier", selectors.etablissement(actor=request.user, finess_et=finess_et))
    form = QualificationForm(request.POST)
    if form.is_valid():
        try:
            services.qualifier_etablissement(actor=request.user, finess_et=finess_et,
                                             secteur=form.cleaned_data["secteur"], motif=form.cleaned_data["motif"])
        except ValidationError as erreur:
            for champ, liste in erreur.message_dict.items():
                form.add_error(champ if champ in form.fields else None, liste)
        else:
            messages.success(request, "La qualification de l'établissement est enregistrée.")
            return redirect("referentiel:etablissement", finess_et=finess_et)
    return _page_etablissement(request, finess_et, form=form, status=400)


@login_required
def organisme(request: HttpRequest, finess_ej: str) -> HttpResponse:
    og = selectors.organisme(actor=request.user, finess_ej=finess_ej)
    page = Paginator(selectors.etablissements_de(og), PAR_PAGE).get_page(request.GET.get("page"))
    return render(request, "referentiel/organisme.html", {
        "title": f"{og.raison_sociale or 'Organisme gestionnaire'} ({og.finess_ej})", "og": og, "page_obj": page,
        "chiffres": selectors.chiffres_organisme(og), "secteurs": SECTEUR_LIBELLES,
        "groupes": selectors.groupes_de(og), "historique": selectors.historique(objet="ej", cle=og.finess_ej),
    })


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    liste = selectors.imports(actor=request.user)
    page = Paginator(liste, PAR_PAGE).get_page(request.GET.get("page"))
    peut_importer = has_perm(request.user, "referentiel.importer")
    return render(request, "referentiel/imports.html", {
        "title": "Imports FINESS", "page_obj": page, "form": ImportForm() if peut_importer else None,
        "programmes": selectors.imports_programmes(actor=request.user),
    })


@login_required
@require_POST
@genre_televersement("finess")
def importer(request: RequeteConnectee) -> HttpResponse:
    require(request.user, "referentiel.importer")
    form = ImportForm(request.POST, request.FILES)  # reads the body: GestionnaireLimite runs here
    if refus := refus_de_la_requete(request):  # stopped while Django read the request body
        services.refuser_televersement(actor=request.user, nom=televersements.nom_sur(refus.champ, "(fichier)"),
                                       refus=refus)
        messages.error(request, f"Fichier refusé : {refus}")
        return redirect("referentiel:imports")
    if not form.is_valid():
        messages.error(request, "Choisissez un fichier d'extraction FINESS à importer.")
        return redirect("referentiel:imports")
    televerse = form.cleaned_data["fichier"]
    try:
        chemin = services.recevoir_televersement(actor=request.user, fichier=televerse, nom=televerse.name)
    except ErreurReferentiel as erreur:
        messages.error(request, f"Fichier refusé : {erreur}")
        return redirect("referentiel:imports")
    importer_finess_en_tache.enqueue(chemin=str(chemin), nom_fichier=televersements.nom_sur(televerse.name),
                                     acteur_id=request.user.pk, ignorer_invalides=form.cleaned_data["ignorer_invalides"],
                                     encodage=form.cleaned_data["encodage"], nature=form.cleaned_data["nature"] or None)
    messages.success(request, "Import programmé : il s'exécute en arrière-plan. Son résultat s'affichera dans "
                              "la liste ci-dessous et vous sera notifié.")
    return redirect("referentiel:imports")


@login_required
def rejets(request: HttpRequest, pk: int) -> FileResponse:
    chemin = selectors.rapport_rejets(actor=request.user, pk=pk)
    return FileResponse(open(chemin, "rb"), as_attachment=True, filename=chemin.name,  # noqa: SIM115
                        content_type="text/csv; charset=utf-8")


@login_required
def detail_import(request: HttpRequest, pk: int) -> HttpResponse:
    import_finess = selectors.import_finess(actor=request.user, pk=pk)
    return render(request, "referentiel/import.html", {
        "title": f"Import FINESS n° {import_finess.pk}", "imp": import_finess,
        "peut_decider": has_perm(request.user, "referentiel.importer"),
    })


@login_required
@require_POST
def confirmer(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "referentiel.importer")
    try:
        resultat = services.confirmer_import(actor=request.user, pk=pk)
    except ErreurReferentiel as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, f"Import n° {resultat.pk} confirmé et appliqué : {resultat.nb_crees} créé(s), "
                                  f"{resultat.nb_modifies} modifié(s), {resultat.nb_fermes} fermé(s).")
    return redirect("referentiel:import", pk=pk)


@login_required
@require_POST
def annuler(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "referentiel.importer")
    try:
        services.annuler_import(actor=request.user, pk=pk)
    except ErreurReferentiel as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, f"Import n° {pk} annulé : le référentiel est revenu à son état d'avant cet import.")
    return redirect("referentiel:import", pk=pk)
