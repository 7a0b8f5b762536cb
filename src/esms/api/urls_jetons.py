"""URLs of the « Jetons d'API » page (namespace `jetons`)."""

from django.urls import path

from esms.api import views

app_name = "jetons"
urlpatterns = [
    path("", views.jetons, name="liste"),
    path("<int:pk>/revoquer/", views.revoquer, name="revoquer"),
]
