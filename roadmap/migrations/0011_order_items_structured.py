"""Order items become dictionaries {text, level, deadline, executor} (roadmap.items): sub-items 1.1 and 1.1.1
are levels, not numbers typed into the text. Stored strings — of drafts and of approved orders alike — are
converted; a number the author typed at the start («2.1. …») becomes the item's level. The frozen content and
the stored PDFs of sent and approved orders are not touched: they are what was reviewed and signed."""

import re

from django.db import migrations

_TYPED_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}[.)])\s+(?=\S)")


def _item(text: str, previous: int) -> dict:
    level = 0
    typed = _TYPED_NUMBER.match(text)
    if typed:
        depth = typed.group(1).rstrip(".)").count(".") + 1
        text = text[typed.end() :]
        level = min(2, depth - 1, previous + 1)
    return {"text": text.strip(), "level": max(level, 0), "deadline": "", "executor": None}


def forwards(apps, schema_editor):
    Order = apps.get_model("roadmap", "Order")
    for order in Order.objects.all().only("pk", "items").iterator():
        if not any(isinstance(item, str) for item in order.items or []):
            continue
        items, previous = [], -1
        for raw in order.items:
            item = raw if isinstance(raw, dict) else _item(str(raw), previous)
            if not item.get("text"):
                continue
            items.append(item)
            previous = item.get("level", 0)
        Order.objects.filter(pk=order.pk).update(items=items)


def backwards(apps, schema_editor):
    Order = apps.get_model("roadmap", "Order")
    for order in Order.objects.all().only("pk", "items").iterator():
        items = [item["text"] if isinstance(item, dict) else item for item in order.items or []]
        Order.objects.filter(pk=order.pk).update(items=items)


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0009_tracking_links")]

    operations = [migrations.RunPython(forwards, backwards)]
