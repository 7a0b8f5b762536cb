"""Envelope pages."""

from django.urls import path

from esms.financement import views

app_name = "financement"
urlpatterns = [
    path("enveloppes/", views.enveloppes, name="enveloppes"),
    path("enveloppes/<int:pk>/", views.enveloppe, name="enveloppe"),
    path("enveloppes/creer/", views.creer, name="creer"),
    path("enveloppes/doter/", views.doter, name="doter"),
    path("enveloppes/dossiers/<int:pk>/liberer/", views.liberer, name="liberer"),
]
