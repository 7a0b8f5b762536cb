"""Usage pages: reports, evidence, review and validation, payment orders, vendor authorisations."""

from django.urls import path

from esms.usages import views

app_name = "usages"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/saisir/", views.saisir, name="saisir"),
    path("dossiers/<int:pk>/importer/", views.importer, name="importer"),
    path("dossiers/<int:pk>/preuves/", views.deposer_preuve, name="deposer_preuve"),
    path("dossiers/<int:pk>/decider/", views.decider, name="decider"),
    path("dossiers/<int:pk>/modele-indicateurs/", views.modele_indicateurs, name="modele_indicateurs"),
    path("versements/", views.versements, name="versements"),
    path("versements/<int:pk>/ordonner/", views.ordonner, name="ordonner"),
    path("editeurs/", views.editeurs, name="editeurs"),
    path("editeurs/autoriser/", views.autoriser, name="autoriser"),
    path("editeurs/revoquer/", views.revoquer, name="revoquer"),
]
