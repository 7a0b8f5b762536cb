from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "esms.comptes"
    verbose_name = "Comptes et habilitations"

    def ready(self) -> None:
        from esms.comptes import securite

        securite.connecter()
