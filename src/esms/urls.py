"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from esms import views

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("comptes/", include("esms.comptes.urls")),
    path("referentiel/", include("esms.referentiel.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "esms.views.forbidden"
handler404 = "esms.views.not_found"
