"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from esms import views

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("comptes/", include("esms.comptes.urls")),
    path("comptes/", include("esms.inscriptions.urls")),
    path("referentiel/", include("esms.referentiel.urls")),
    path("candidatures/", include("esms.candidatures.urls")),
    path("bourse/", include("esms.bourse.urls")),
    path("financement/", include("esms.financement.urls")),
    path("seances/", include("esms.seances.urls")),
    path("usages/", include("esms.usages.urls")),
    path("referencement/", include("esms.referencement.urls")),
    path("campagnes/", include("esms.candidatures.campagnes_urls")),
    path("pilotage/", include("esms.pilotage.urls")),
    path("statistiques/", include("esms.pilotage.urls_statistiques")),
    path("api/", include("esms.api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "esms.views.forbidden"
handler404 = "esms.views.not_found"
