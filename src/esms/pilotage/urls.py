"""Dashboard URLs (/pilotage/): national, per region, and the download of each table."""

from django.urls import path

from esms.pilotage import views

app_name = "pilotage"
urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("export/<slug:tableau>.<str:format>", views.export, name="export"),
    path("regions/<str:code>/", views.region, name="region"),
    path("regions/<str:code>/export/<slug:tableau>.<str:format>", views.export_region, name="export_region"),
]
