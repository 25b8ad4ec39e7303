"""«Этапы и проверки»: which stage of the model each stage of a roadmap counts for, and which data check completes
each activity — for the curator and the administrator, before and after approval (every change is logged)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from people.access import OrgAccess, org_view
from people.changes import organization_changed
from roadmap import tracking
from roadmap.forms_links import TrackingLinksForm
from roadmap.models import Roadmap, TrackingChange
from roadmap.views.roadmaps import ROADMAP_EDITORS, get_roadmap_for_user


def _described(changes: list[TrackingChange]) -> str:
    words = []
    for change in changes:
        if change.field == TrackingChange.Field.MODEL_STAGE:
            words.append(f"этап {change.stage.number} — {tracking.stage_label(change.new_value) or 'без этапа модели'}")
        else:
            words.append(f"{change.activity.number} — {tracking.check_label(change.new_value) or 'без проверки'}")
    return "; ".join(words)


@org_view(*ROADMAP_EDITORS)
def roadmap_links(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(access, pk, editing=True)
    stages = tracking.link_rows(roadmap)
    editable = roadmap.status != Roadmap.Status.SUPERSEDED
    form = TrackingLinksForm(request.POST if request.method == "POST" else None, stages=stages, disabled=not editable)
    if request.method == "POST" and editable and form.is_valid():
        changes = tracking.save_links(roadmap, *form.chosen(), by=request.user)
        if changes:
            organization_changed(access.org)  # an activity whose new check the data shows done is done
            messages.success(request, f"Связи сохранены ({len(changes)}): {_described(changes)}.")
        else:
            messages.info(request, "Связи не изменились.")
        return redirect("roadmap:roadmap_links", access.org.slug, roadmap.pk)
    log = list(TrackingChange.objects.filter(roadmap=roadmap).select_related("stage", "activity", "changed_by")[:50])
    for change in log:
        stage = change.field == TrackingChange.Field.MODEL_STAGE
        label, empty = (tracking.stage_label, "не выбран") if stage else (tracking.check_label, "не связано")
        change.old_label, change.new_label = label(change.old_value) or empty, label(change.new_value) or empty
    context = {"access": access, "roadmap": roadmap, "form": form, "editable": editable, "log": log}
    return render(request, "roadmap/roadmaps/links.html", context)
