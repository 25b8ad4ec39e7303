"""The admin site of the project: Django's own, except that a write there renews every organisation's figures.

A superuser may change any organisation's rows in the admin; which organisations a change reaches is not known to
the view. So after a write that did not fail, every organisation gets a new data version (people.changes) and
no page shows a figure older than the change. Writes in the admin are rare; the update is one statement.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.http import HttpRequest

from people.access import WRITE_METHODS
from people.changes import touch_all


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable: bool = False):
        protected = super().admin_view(view, cacheable)

        @wraps(view)
        def renewing(request: HttpRequest, *args, **kwargs):
            response = protected(request, *args, **kwargs)
            if request.method in WRITE_METHODS and response.status_code < 400:
                touch_all()
            return response

        return renewing
