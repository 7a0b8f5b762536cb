from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "esms.comptes"
    verbose_name = "Comptes et habilitations"
