from django.urls import path

from esms.inscriptions import views, views_gestion

app_name = "inscriptions"
urlpatterns = [
    path("inscription/", views.inscription_view, name="inscription"),
    path("inscription/verification/<str:jeton>/", views.verification, name="verification"),
    path("rattachement/", views.rattachement_nouveau, name="rattachement_nouveau"),
    path("invitation/<str:jeton>/", views.invitation, name="invitation"),
    path("inviter/", views.inviter, name="inviter"),
    path("mon-compte/desactiver/", views.desactiver_mon_compte, name="desactiver_mon_compte"),
    path("gestion/", views_gestion.comptes, name="gestion_comptes"),
    path("gestion/<int:pk>/", views_gestion.compte, name="gestion_compte"),
    path("gestion/<int:pk>/activation/", views_gestion.activation, name="gestion_activation"),
    path("rattachements/", views_gestion.rattachements, name="rattachements"),
    path("rattachements/<int:pk>/", views_gestion.rattachement, name="rattachement"),
    path("rattachements/<int:pk>/justificatif/", views_gestion.justificatif, name="rattachement_justificatif"),
]
