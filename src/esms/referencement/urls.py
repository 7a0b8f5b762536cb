from django.urls import path

from esms.referencement import views

app_name = "referencement"

urlpatterns = [
    path("", views.registre, name="registre"),
    path("importer/", views.importer, name="importer"),
    path("choisir/", views.choisir, name="choisir"),
    path("solutions/<int:pk>/", views.solution, name="solution"),
    path("solutions/<int:pk>/modifier/", views.modifier, name="modifier"),
    path("solutions/<int:pk>/comptes/", views.lier_compte, name="lier_compte"),
]
