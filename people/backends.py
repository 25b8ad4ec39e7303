"""Authentication by login and password, refused to a staff member whose every organisation switched access off.

An administrator switches off a person's access to their own organisation only (Person.access_disabled_at); the
login stays for the others. Someone with staff cards but no organisation that lets them in gets the same answer
as a wrong password. Site staff and municipal coordinators, who may have no staff card at all, are not affected.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from people.models import Person


class StaffBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or user.is_staff or user.is_superuser:
            return user
        cards = Person.objects.filter(user=user)
        if cards.exists() and not cards.with_access().exists():
            return None
        return user
