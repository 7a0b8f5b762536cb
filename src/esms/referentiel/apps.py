from django.apps import AppConfig


class ReferentielConfig(AppConfig):
    name = "esms.referentiel"
    verbose_name = "Référentiel FINESS"
