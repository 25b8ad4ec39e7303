"""Roadmap activities linked to a data check complete themselves after the change that made the check true.

The sync runs after every successful POST under /o/<org>/ (the only requests that change data), never on a
GET: looking at a page must not write. It costs two queries (the figures and one UPDATE touching only the
activities whose check has just turned true); `send_reminders` runs it weekly as well.
"""

from __future__ import annotations

from django.http import HttpRequest


class RoadmapSyncMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        access = getattr(request, "access", None)
        if request.method == "POST" and access is not None and response.status_code < 400:
            from roadmap.progress import org_figures, stage_progress, sync_current_roadmap

            sync_current_roadmap(access.org, stage_progress(access.org, org_figures(access.org)))
        return response
