"""The server-side charts keep every legend entry inside the picture."""

import re

from core import charts

NAMES = ["Выполнены в срок", "Выполнены с опозданием", "Не выполнены, срок прошёл", "Срок ещё не наступил", "Отменены"]


def test_a_long_legend_wraps_onto_a_new_line_instead_of_running_off_the_picture():
    svg = str(charts.stacked([("Все мероприятия", [7, 0, 2, 16, 4])], legend=NAMES, title="Мероприятия", percent=True))
    height = float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg)[1])

    for name in NAMES:
        x = float(re.search(rf'<text x="([\d.]+)" y="[\d.]+"[^>]*>{name}</text>', svg)[1])
        assert x + len(name) * 6.5 <= charts.WIDTH, name  # starts far enough left to end inside the picture
    rows = {float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="12.0"', svg)}
    assert len(rows) > 1  # the legend took more than one line
    assert max(rows) + 12 <= height

    short = str(charts.stacked([("Все", [1, 1])], legend=["А", "Б"], title="Коротко"))
    assert len(set(re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="12.0"', short))) == 1
