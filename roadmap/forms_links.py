"""The form of the page «Этапы и проверки»: a model stage per stage of the roadmap, a data check per activity."""

from __future__ import annotations

from django import forms

from roadmap import tracking
from roadmap.models import RoadmapStage


class TrackingLinksForm(forms.Form):
    """Fields «stage-<pk>» and «check-<pk>», built from the roadmap's stages and their activities."""

    def __init__(self, *args, stages: list[RoadmapStage], disabled: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stages = stages
        stage_choices, check_choices = tracking.stage_choices(), tracking.check_choices()
        for stage in stages:
            self.fields[f"stage-{stage.pk}"] = forms.ChoiceField(
                label=f"Этап целевой модели для этапа {stage.number}",
                choices=stage_choices,
                required=False,
                initial=str(stage.model_stage or ""),
                disabled=disabled,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            for activity in stage.activities.all():
                self.fields[f"check-{activity.pk}"] = forms.ChoiceField(
                    label=f"Проверка по данным для мероприятия {activity.number}",
                    choices=check_choices,
                    required=False,
                    initial=activity.check_code,
                    disabled=disabled,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )

    def rows(self) -> list[tuple[RoadmapStage, forms.BoundField, list]]:
        """(stage, its select, [(activity, its select)]) in the roadmap's order, for the template."""
        return [
            (
                stage,
                self[f"stage-{stage.pk}"],
                [(activity, self[f"check-{activity.pk}"]) for activity in stage.activities.all()],
            )
            for stage in self.stages
        ]

    def chosen(self) -> tuple[dict[int, int | None], dict[int, str]]:
        """The choices posted ({stage pk: 1–7 or None}, {activity pk: code}); a select not posted stays as it is."""
        data, posted = self.cleaned_data, self.data
        stages = {
            s.pk: int(data[f"stage-{s.pk}"]) if data[f"stage-{s.pk}"] else None
            for s in self.stages
            if f"stage-{s.pk}" in posted
        }
        checks = {
            a.pk: data[f"check-{a.pk}"] for s in self.stages for a in s.activities.all() if f"check-{a.pk}" in posted
        }
        return stages, checks
