"""The queue's tables stay out of the staff admin: what staff need to see of a job (was
the e-mail about an enquiry sent?) is on the enquiry's notification record."""

from __future__ import annotations

from django.contrib import admin
from procrastinate.contrib.django import models

for model in (models.ProcrastinateJob,):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
