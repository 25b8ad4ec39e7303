"""Demo data of the staff import's history (issue 18), called by seed_demo for each organisation. Idempotent.

Each organisation has loaded its HR list once, some weeks ago, as schools keep it: a title above the header,
hire dates, experience written in words, one person entered twice, an e-mail with a typo and a row with no
name. The file agrees with the cards, so loading it changed nothing but showed its problems. It went through
the same workflow a curator uses (preview, then confirmation), so its result page lists what was merged,
skipped and flagged, and the rows to fix can be downloaded. Matched by the file's name: a second run adds
nothing.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.utils import timezone

from people import importing
from people.models import Organization, Person, StaffImport

DEMO_FILE = "Кадры — педагогический состав.xlsx"


def _workbook(org: Organization, staff: list[Person]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Педагоги"
    sheet.append([org.short_name])
    sheet.append(["Список педагогических работников"])
    sheet.append([])
    sheet.append(["№ п/п", "Ф.И.О.", "Должность", "Стаж педагогической работы", "Эл. почта", "Дата приёма"])
    for number, person in enumerate(staff, 1):
        years = person.experience_years
        # Experience written in words, as HR files do; each reads back to the number the card already holds.
        experience = {1: f"{years} г. 4 мес.", 2: f"{years},5", 4: f"{years} лет"}.get(number, years)
        if years is None:
            experience = ""
        # The dates the cards hold, as a date cell or as text: the file agrees with the staff list it filled.
        hired = person.hired_on if number % 2 else (f"{person.hired_on:%d.%m.%Y}" if person.hired_on else "")
        email = person.email
        if number == 3 and email:
            email = email.replace("@", "@@")  # a typo the import flags and leaves out
        sheet.append(
            [
                number,
                person.full_name.upper() if number == 1 else person.full_name,
                person.position,
                experience if number != 4 else f"{years or 1} лет",
                email,
                hired,
            ]
        )
    if staff:
        first = staff[1 if len(staff) > 1 else 0]
        other_date = f"{(first.hired_on or date(2019, 9, 1)) - timedelta(days=365):%d.%m.%Y}"
        sheet.append([len(staff) + 1, first.full_name.replace("ё", "е"), first.position, "", "", other_date])
    sheet.append([len(staff) + 2, "", "Учитель-логопед", "2", "", ""])
    sheet.append(["Итого", None, None, None, None, None])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def seed_staff_import(org: Organization, by) -> int:
    """A past, confirmed staff import with a few flagged and skipped rows; 1 if it was made now."""
    if by is None or StaffImport.objects.filter(organization=org, original_name=DEMO_FILE).exists():
        return 0
    staff = list(Person.objects.for_org(org).working().filter(anonymized_at=None).order_by("surname", "name")[:8])
    data = _workbook(org, staff)
    table = importing.read_staff_file(data, DEMO_FILE)
    staff_import = importing.start_import(org, by, data, DEMO_FILE, table)
    if importing.confirm_import(staff_import) != importing.APPLIED:
        return 0
    past = timezone.now() - timedelta(days=40)
    StaffImport.objects.filter(pk=staff_import.pk).update(created_at=past, applied_at=past + timedelta(minutes=3))
    return 1
