"""Account forms (French labels and errors)."""

from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm


class LoginForm(DsfrBaseForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["password"].label = "Mot de passe"
        self._bound_fields_cache.clear()  # DsfrBaseForm built the bound fields before the labels changed
