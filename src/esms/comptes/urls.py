from django.urls import path, re_path

from esms.comptes import proconnect, views, views_courriels
from esms.comptes import views_mots_de_passe as mdp
from esms.exports import FORMATS

app_name = "comptes"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("proconnect/", proconnect.ConnexionView.as_view(), name="proconnect"),
    path("proconnect/retour/", proconnect.RetourView.as_view(), name="proconnect_retour"),
    path("mot-de-passe/oublie/", mdp.ReinitialisationView.as_view(), name="mdp_oublie"),
    path("mot-de-passe/oublie/envoye/", mdp.ReinitialisationEnvoyeeView.as_view(), name="mdp_envoye"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", mdp.NouveauMotDePasseView.as_view(), name="mdp_nouveau"),
    path("mot-de-passe/modifie/", mdp.ReinitialisationTermineeView.as_view(), name="mdp_termine"),
    path("mot-de-passe/changer/", mdp.ChangementMotDePasseView.as_view(), name="mdp_changer"),
    path("double-facteur/", mdp.otp, name="otp"),
    path("double-facteur/activer/", mdp.otp_enrolement, name="otp_enrolement"),
    path("mon-compte/", views_courriels.mon_compte, name="mon_compte"),
    path("courriels/", views_courriels.liste_courriels, name="courriels"),
    path("courriels/<int:pk>/renvoyer/", views_courriels.renvoyer_courriel, name="courriel_renvoyer"),
    path("audit/", views.audit, name="audit"),
    re_path(rf"^audit/export\.(?P<format>{'|'.join(FORMATS)})$", views.audit_export, name="audit_export"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/lues/", views.notifications_lues, name="notifications_lues"),
]
