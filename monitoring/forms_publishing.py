"""Forms for publication on the organisation's site (monitoring/views/publishing.py)."""

from __future__ import annotations

from django import forms

from core.forms import formfield
from core.widgets import DATE_WIDGET
from monitoring.models import NewsItem, PublicPage


class PublicPageForm(forms.ModelForm):
    class Meta:
        model = PublicPage
        fields = ["is_enabled", "intro", "show_regulation", "show_roadmap", "show_figures"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "is_enabled": "Пока страница закрыта, по её адресу открывается «Страница не найдена».",
            "intro": "Несколько предложений о системе наставничества в организации: для родителей и коллег.",
            "show_figures": "Число наставников, наставляемых, действующих пар и групп, завершённых программ.",
        }


class NewsItemForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        formfield_callback = formfield
        fields = ["title", "date", "body", "is_published"]
        widgets = {"date": DATE_WIDGET, "body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"is_published": "Без отметки новость остаётся черновиком и на сайте не видна."}


class ProgrammeResultForm(forms.Form):
    summary = forms.CharField(
        label="Итоги программы для публикации",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="Что получилось: чему научился наставляемый, какие открытые занятия, материалы, достижения. "
        "Не пишите имён: имена участников с согласием на публикацию страница покажет сама.",
    )
    publish = forms.BooleanField(label="Опубликовать на странице организации", required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("publish") and not (data.get("summary") or "").strip():
            self.add_error("summary", "Напишите итоги: пустые итоги не публикуются.")
        return data
