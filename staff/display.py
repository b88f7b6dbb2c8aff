"""How the admin shows yes/no and permissions in bokmål where Django shows English that no
translation catalog reaches: the alt text of its yes/no icons ("True"/"False" in every
language) and permission names, which are rows Django writes in English when it migrates
("Can add log entry")."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.templatetags.static import static
from django.utils.html import format_html

# The four permissions Django makes for every model, by their codename's prefix.
DEFAULT_ACTIONS = {
    "add": "Kan legge til",
    "change": "Kan endre",
    "delete": "Kan slette",
    "view": "Kan se",
}


def yes_no_icon(value: bool) -> str:
    """Django's yes/no icon, with "Ja"/"Nei" for screen readers."""
    icon = static(f"admin/img/icon-{'yes' if value else 'no'}.svg")
    return format_html('<img src="{}" alt="{}">', icon, "Ja" if value else "Nei")


def permission_label(permission: Permission) -> str:
    """ "Innhenting | henvendelse | Kan endre henvendelse" for Django's own four permissions
    of a model, from the model's (translated) name; a custom permission keeps its name,
    which we write in bokmål."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a model removed since: what the database says
        return str(permission)
    action, _, codename_model = permission.codename.partition("_")
    name = permission.name
    if action in DEFAULT_ACTIONS and codename_model == model._meta.model_name:
        name = f"{DEFAULT_ACTIONS[action]} {model._meta.verbose_name}"
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {name}"
