from django.urls import path

from esms.candidatures import campagnes_views as views
from esms.candidatures import parametres_views

app_name = "campagnes"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/nouvelle-version/", views.nouvelle_version, name="nouvelle_version"),
    path("<str:code>/brouillon/<slug:section>/", parametres_views.section, name="section"),
    path("<str:code>/comparer/", parametres_views.comparer, name="comparer"),
    path("<str:code>/simulation/", parametres_views.simulation, name="simulation"),
    path("<str:code>/simulation/<slug:tableau>.<str:format>", parametres_views.simulation_export,
         name="simulation_export"),
    path("<str:code>/publier/", parametres_views.publier, name="publier"),
    path("<str:code>/etiquettes/", views.creer_etiquette, name="creer_etiquette"),
    path("<str:code>/etiquettes/<int:pk>/supprimer/", views.supprimer_etiquette, name="supprimer_etiquette"),
]
