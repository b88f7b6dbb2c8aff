from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    # makemigrations --check exits non-zero when a model and its migrations disagree.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
