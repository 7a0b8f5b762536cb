"""FINESS importer: read (`lecture`), parse and validate (`format_et`, `format_ej`), project coordinates
(`projection`), write set-based (`ecriture`), report rejects (`rapport`), download (`telechargement`).

The orchestration (transaction, ImportFiness row, audit) is `esms.referentiel.services.importer_finess`.
"""
