"""Bourse aux grappes pages."""

from django.urls import path

from esms.bourse import views

app_name = "bourse"

urlpatterns = [
    path("", views.marche, name="marche"),
    path("besoins/", views.declarer, name="declarer"),
    path("besoins/<int:pk>/retirer/", views.retirer_besoin, name="retirer_besoin"),
    path("grappes/<int:pk>/ouvrir/", views.ouvrir, name="ouvrir"),
    path("propositions/calculer/", views.calculer, name="calculer"),
    path("propositions/suggerer/", views.suggerer, name="suggerer"),
    path("projets/<int:pk>/repondre/", views.repondre_projet, name="repondre_projet"),
    path("propositions/<int:pk>/repondre/", views.repondre, name="repondre"),
]
