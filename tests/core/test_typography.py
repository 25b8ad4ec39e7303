"""The typography of printed texts (core.text.typograph_html): each rule, and tags and attributes left alone."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from core.text import typograph_html

NB = "\xa0"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("приказ № 12", f"приказ №{NB}12"),
        ("приказ №12-од", f"приказ №{NB}12-од"),
        ("г. Верхнеречинск", f"г.{NB}Верхнеречинск"),
        ("с. Берёзовка", f"с.{NB}Берёзовка"),
        ("ст. Полтавская; ст. 9 Закона", f"ст.{NB}Полтавская; ст.{NB}9 Закона"),
        ("п. 4 ст. 9", f"п.{NB}4 ст.{NB}9"),
        ("подписал В. Н. Гусев", f"подписал В.{NB}Н.{NB}Гусев"),
        ("подписал Гусев В. Н.", f"подписал Гусев{NB}В.{NB}Н."),
        ("Римская-Корсакова О. С.", f"Римская-Корсакова{NB}О.{NB}С."),
        ("встреча 10 мин", f"встреча 10{NB}мин"),
        ("доля 5 %", f"доля 5{NB}%"),
        ("на 3 мес. и 12 лет", f"на 3{NB}мес. и 12{NB}лет"),
        ("в 2024 г.", f"в 2024{NB}г."),
        ("«Детский сад № 5 «Солнышко»»", f"«Детский сад №{NB}5 „Солнышко“»"),
        ("«а «б «в»» г»", "«а „б „в““ г»"),
        ("на 2022 - 2024 гг..", f"на 2022–2024{NB}гг."),
        ("2022—2024", "2022–2024"),
        ("Конец..", "Конец."),
        ("Многоточие...", "Многоточие..."),
        # What must not change: phones, dates, lower-case words after «с».
        ("тел. 8 (999) 123-45-67", "тел. 8 (999) 123-45-67"),
        ("от 05.06.2026", "от 05.06.2026"),
        ("вместе с. коллегами", "вместе с. коллегами"),
    ],
)
def test_each_rule(source, expected):
    assert typograph_html(source) == expected


def test_tags_attributes_styles_and_comments_are_untouched():
    html = (
        '<p class="г. Город" title="№ 1 «а «б»»" data-x="2022-2024">№ 1</p>'
        '<style>p::before { content: "№ 1 2022-2024"; }</style>'
        "<!-- № 5 г. Город -->"
        '<script>var s = "№ 7";</script>'
    )
    out = typograph_html(html)
    assert out == (
        f'<p class="г. Город" title="№ 1 «а «б»»" data-x="2022-2024">№{NB}1</p>'
        '<style>p::before { content: "№ 1 2022-2024"; }</style>'
        "<!-- № 5 г. Город -->"
        '<script>var s = "№ 7";</script>'
    )


def test_quotes_nest_across_tags():
    assert typograph_html("«Программа <b>«Шаг</b> вперёд»»") == "«Программа <b>„Шаг</b> вперёд“»"


def test_the_typeset_filter_escapes_what_is_not_safe():
    html = Template("{% load ru %}{{ text|typeset }}|{% filter typeset %}<i>№ 3</i>{% endfilter %}").render(
        Context({"text": "<b>№ 2</b>"})
    )
    assert html == f"&lt;b&gt;№{NB}2&lt;/b&gt;|<i>№{NB}3</i>"
