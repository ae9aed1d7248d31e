"""Django's JSON serializer, but with times to the microsecond.

Django's own JSON encoder rounds datetimes to milliseconds, so a backup restored from it
would not be exact. Files in this format are plain JSON fixtures: loaddata reads them with
the standard "json" deserializer. Registered as "json-exact" in SERIALIZATION_MODULES."""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
