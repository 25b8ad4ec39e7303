from django.db import migrations
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

# Mentorship.HOLDING_STATES as it stood when the count was introduced.
HOLDING_STATES = ["draft", "proposed", "active"]


def fill(apps, schema_editor):
    """Count the places every mentor already holds: the mentees of their draft, proposed and active pairs."""
    MentorEntry = apps.get_model("people", "MentorEntry")
    Mentorship = apps.get_model("mentoring", "Mentorship")
    held = (
        Mentorship.mentees.through.objects.filter(
            mentorship__mentor_id=OuterRef("person_id"), mentorship__state__in=HOLDING_STATES
        )
        .order_by()
        .values("mentorship__mentor_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    MentorEntry.objects.update(places_taken=Coalesce(Subquery(held, output_field=IntegerField()), 0))


class Migration(migrations.Migration):
    """The banks store the places a mentor holds (people 0006); mentoring, which knows the pairs, fills it in.

    The data step lives here rather than in people so that people's migrations, like its code, never reach up to
    mentoring.
    """

    dependencies = [
        ("mentoring", "0005_monitoring_moved_out"),
        ("people", "0007_mentor_places_taken"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
