"""Settings: the production module passes `esms check --deploy`; it refuses to start without secrets."""

from __future__ import annotations

import os
import subprocess
import sys


def _esms(args: list[str], **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith("ESMS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env
    return subprocess.run([sys.executable, "-m", "esms.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=120)


def test_production_settings_pass_check_deploy(tmp_path):
    result = _esms(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="esms.settings.production",
        ESMS_SECRET_KEY="k" * 20 + "Zx8!qP3#vL9@wR2$" + "m" * 30,
        ESMS_ALLOWED_HOSTS="esms.example.gouv.fr",
        ESMS_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret(tmp_path):
    result = _esms(["check"], DJANGO_SETTINGS_MODULE="esms.settings.production",
                   ESMS_ALLOWED_HOSTS="esms.example.gouv.fr", ESMS_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "ESMS_SECRET_KEY" in result.stderr


def test_default_settings_are_french_and_paris():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_TZ
