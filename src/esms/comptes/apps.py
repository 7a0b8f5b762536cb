from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "esms.comptes"
    verbose_name = "Comptes et habilitations"

    def ready(self) -> None:
        from esms.comptes import habilitations, securite
        from esms.comptes.models import Rattachement, User
        from esms.comptes.permissions import register_scope

        securite.connecter()
        register_scope(Rattachement, region="region_id", proprietaire="demandeur_id")
        register_scope(User, region=habilitations.comptes_de_region)
