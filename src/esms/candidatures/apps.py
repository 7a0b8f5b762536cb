from django.apps import AppConfig


class CandidaturesConfig(AppConfig):
    name = "esms.candidatures"
    verbose_name = "Candidatures et instruction"

    def ready(self) -> None:
        from esms.candidatures.models import Dossier, Grappe
        from esms.comptes.permissions import register_scope

        # A dossier is visible to every region it concerns (multi-regional and national dossiers).
        register_scope(Dossier, region="regions__code", ej="grappe__porteur_id",
                       et="grappe__membres__etablissement_id", multi=True)
        register_scope(Grappe, region="dossier__regions__code", ej="porteur_id",
                       et="membres__etablissement_id", multi=True)
