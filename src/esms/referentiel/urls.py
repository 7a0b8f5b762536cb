from django.urls import path

from esms.referentiel import views

app_name = "referentiel"
urlpatterns = [
    path("etablissements/", views.recherche, name="recherche"),
    path("imports/", views.imports, name="imports"),
]
