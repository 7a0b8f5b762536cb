"""Self-service accounts (sign-up, claims of organismes and establishments, invitations) and the account
administration of national administrators and ARS agents. Above `referentiel` (claims name FINESS EJ/ET); the
models live in `comptes` (Rattachement, Invitation)."""
