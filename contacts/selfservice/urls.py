from __future__ import annotations

app_name = "selfservice"

urlpatterns: list = []
