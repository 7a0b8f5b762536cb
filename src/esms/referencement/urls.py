from django.urls import path

from esms.referencement import views, views_ght, views_sons

app_name = "referencement"

urlpatterns = [
    path("", views.registre, name="registre"),
    path("importer/", views.importer, name="importer"),
    path("choisir/", views.choisir, name="choisir"),
    path("solutions/<int:pk>/", views.solution, name="solution"),
    path("solutions/<int:pk>/modifier/", views.modifier, name="modifier"),
    path("solutions/<int:pk>/comptes/", views.lier_compte, name="lier_compte"),
    path("ght/", views_ght.liste, name="ght"),
    path("ght/declarer/", views_ght.declarer, name="declarer_ght"),
    path("ght/<int:pk>/retirer/", views_ght.retirer, name="retirer_ght"),
    path("ght/finess-plus/", views_ght.importer, name="importer_ght"),
    path("sons/", views_sons.commandes, name="commandes"),
    path("sons/importer/", views_sons.importer, name="importer_commandes"),
]
