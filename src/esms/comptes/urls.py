from django.urls import path

from esms.comptes import views

app_name = "comptes"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit, name="audit"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/lues/", views.notifications_lues, name="notifications_lues"),
]
