"""Public statistics URLs (/statistiques/), open to anonymous visitors."""

from django.urls import path

from esms.pilotage import views

app_name = "statistiques"
urlpatterns = [
    path("", views.statistiques, name="accueil"),
    path("export/<slug:tableau>.<str:format>", views.statistiques_export, name="export"),
]
