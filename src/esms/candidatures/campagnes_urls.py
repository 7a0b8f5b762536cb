from django.urls import path

from esms.candidatures import campagnes_views as views

app_name = "campagnes"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/nouvelle-version/", views.nouvelle_version, name="nouvelle_version"),
]
