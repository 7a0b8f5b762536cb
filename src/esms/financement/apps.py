from django.apps import AppConfig


class FinancementConfig(AppConfig):
    name = "esms.financement"
    verbose_name = "Financement"

    def ready(self) -> None:
        from esms.comptes.permissions import register_scope
        from esms.financement.models import Convention, Enveloppe, Versement

        register_scope(Enveloppe, region="region_id")
        register_scope(Convention, region="dossier__regions__code", ej="dossier__grappe__porteur_id",
                       et="dossier__grappe__membres__etablissement_id", multi=True)
        register_scope(Versement, region="dossier__regions__code", ej="dossier__grappe__porteur_id",
                       et="dossier__grappe__membres__etablissement_id", multi=True)
