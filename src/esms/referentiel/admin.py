"""Django admin of the référentiel: read-mostly views (the data comes from FINESS imports)."""

from django.contrib import admin

from esms.referentiel.models import (
    Categorie,
    Commune,
    Departement,
    Etablissement,
    ImportFiness,
    OrganismeGestionnaire,
    Region,
    StatutJuridique,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "nom", "est_corse", "est_outre_mer")


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ("code", "code_finess", "nom", "region")
    list_filter = ("region",)


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("code_insee", "nom", "departement", "codes_postaux")
    search_fields = ("code_insee", "nom")


@admin.register(Categorie)
class CategorieAdmin(admin.ModelAdmin):
    list_display = ("code", "libelle", "domaine", "eligible", "secteur")
    list_filter = ("domaine", "eligible", "secteur")
    search_fields = ("code", "libelle")


@admin.register(StatutJuridique)
class StatutJuridiqueAdmin(admin.ModelAdmin):
    list_display = ("code", "libelle", "libelle_agr1")


@admin.register(OrganismeGestionnaire)
class OrganismeGestionnaireAdmin(admin.ModelAdmin):
    list_display = ("finess_ej", "raison_sociale", "departement", "statut_juridique")
    search_fields = ("finess_ej", "nom_recherche")
    raw_id_fields = ("departement", "statut_juridique")


@admin.register(Etablissement)
class EtablissementAdmin(admin.ModelAdmin):
    list_display = ("finess_et", "raison_sociale", "departement", "categorie", "ouvert")
    list_filter = ("ouvert", "region")
    search_fields = ("finess_et", "nom_recherche")
    raw_id_fields = ("organisme", "categorie", "departement", "region", "dernier_import", "qualifie_par")
    list_select_related = ("departement", "categorie")


@admin.register(ImportFiness)
class ImportFinessAdmin(admin.ModelAdmin):
    list_display = ("pk", "fichier", "type_fichier", "date_extraction", "statut", "nb_crees", "nb_modifies",
                    "nb_fermes", "nb_rejetes", "duree_secondes")
    list_filter = ("statut", "type_fichier")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
