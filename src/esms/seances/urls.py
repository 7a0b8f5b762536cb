"""Séances de sélection: list and creation, the séance page and its actions, closing, procès-verbal."""

from django.urls import path, re_path

from esms import exports
from esms.seances import views

app_name = "seances"
FORMATS = rf"(?P<format>{'|'.join(exports.FORMATS)})"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("<int:pk>/", views.seance, name="seance"),
    path("<int:pk>/dossiers/", views.inscrire, name="inscrire"),
    path("<int:pk>/dossiers/<int:dossier_pk>/decision/", views.proposer, name="proposer"),
    path("<int:pk>/dossiers/<int:dossier_pk>/retirer/", views.retirer, name="retirer"),
    path("<int:pk>/cloturer/", views.cloturer, name="cloturer"),
    path("<int:pk>/proces-verbal.pdf", views.proces_verbal_pdf, name="proces_verbal_pdf"),
    re_path(rf"^(?P<pk>\d+)/proces-verbal\.{FORMATS}$", views.proces_verbal_export, name="proces_verbal_export"),
]
