"""Date fields that accept what they display: the browser's date picker sends and shows ISO dates
(2026-11-26), the French locale would render the initial value as 26/11/2026, which a `type=date` input cannot
show (it then appears empty and the submit fails). The widget always renders ISO; the field also accepts the
French form typed by hand or sent by a browser without a date picker."""

from __future__ import annotations

from typing import Any

from django import forms

FORMATS_ACCEPTES = ["%Y-%m-%d", "%d/%m/%Y"]


class SaisieDate(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def champ_date(label: str, **options: Any) -> forms.DateField:
    options.setdefault("error_messages", {"invalid": f"{label} : date attendue (jj/mm/aaaa)."})
    return forms.DateField(label=label, widget=SaisieDate(attrs=options.pop("attrs", None)),
                           input_formats=FORMATS_ACCEPTES, **options)
