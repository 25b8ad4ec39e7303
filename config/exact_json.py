"""A JSON fixture format for backups that keeps every value exactly (serializer module «exactjson»).

Django's own JSON format cuts times to milliseconds (DjangoJSONEncoder), and its XML format strips the
whitespace around text values; a backup restored from either would differ from the original. This one is
Django's JSON format with times written in full.
"""

from __future__ import annotations

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "exactjson"


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self) -> None:
        self.options.setdefault("cls", ExactEncoder)
        super()._init_options()


Deserializer = django_json.Deserializer
