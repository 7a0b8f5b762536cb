"""Demo data for `make demo`: campagnes, envelopes, accounts and grappes built from the real FINESS
référentiel, in every state of the workflow, created through the platform's own services."""

from __future__ import annotations

from esms.demo.comptes import (
    DEMO_CODES_SECOURS,
    DEMO_PASSWORD,
    DEMO_TOTP_KEY,
    DemoAccount,
    create_demo_accounts,
)


def charger_demo(*, stdout=None) -> list[DemoAccount]:
    from esms.demo import campagnes, dossiers

    def dire(texte: str) -> None:
        if stdout is not None:
            stdout.write(texte)

    dire("Campagnes et enveloppes…")
    campagnes.charger()
    comptes = create_demo_accounts()
    dire("Grappes et dossiers de démonstration…")
    comptes += dossiers.charger()
    dire("Bourse aux grappes…")
    from esms.bourse.demo import charger as charger_bourse

    comptes += charger_bourse()
    dire("Indicateurs d'usage et preuves de démonstration…")
    from esms.usages.demo import charger_demo_usages

    charger_demo_usages()
    return comptes


__all__ = ["DEMO_CODES_SECOURS", "DEMO_PASSWORD", "DEMO_TOTP_KEY", "DemoAccount", "charger_demo", "create_demo_accounts"]
