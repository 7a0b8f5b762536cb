from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "esms.comptes"
    verbose_name = "Comptes et habilitations"

    def ready(self) -> None:
        from esms.comptes import securite
        from esms.comptes.models import Rattachement
        from esms.comptes.permissions import register_scope

        securite.connecter()
        register_scope(Rattachement, region="region_id")
