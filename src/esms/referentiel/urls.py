"""URLs of the référentiel (names used by the navigation: `recherche`, `imports`)."""

from django.urls import path

from esms.referentiel import views

app_name = "referentiel"
urlpatterns = [
    path("etablissements/", views.recherche, name="recherche"),
    path("etablissements/<str:finess_et>/", views.etablissement, name="etablissement"),
    path("etablissements/<str:finess_et>/qualifier/", views.qualifier, name="qualifier"),
    path("organismes/<str:finess_ej>/", views.organisme, name="organisme"),
    path("imports/", views.imports, name="imports"),
    path("imports/nouveau/", views.importer, name="importer"),
    path("imports/<int:pk>/rejets/", views.rejets, name="rejets"),
    path("imports/<int:pk>/", views.detail_import, name="import"),
    path("imports/<int:pk>/confirmer/", views.confirmer, name="confirmer"),
    path("imports/<int:pk>/annuler/", views.annuler, name="annuler"),
]
