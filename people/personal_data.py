"""The register of every place a person's personal data lives, and what the purge does to each.

Each app declares its own places in a `personal_data.py` module of its own (mentoring, roadmap, monitoring
declare theirs there, and people's are at the bottom of this file); `places()` collects them all with Django's
`autodiscover_modules`, so people never imports an app above it. `people.services.purge_person` walks the
register, and tests/config/test_personal_data.py checks that every text field of every model reachable from a
person is declared here — a new field is caught until someone decides what a purge does to it.

A place is one model reached from the person by one lookup, with one of these actions:

- BLANK: the `fields` of the rows reached are emptied (a file field: the file is deleted from storage);
- DELETE: the rows reached are deleted;
- NAME: the person's full and short name, wherever they occur in `fields` of the organisation's rows, are
  replaced by the anonymous label (a text written about someone else that names the person);
- OWN: `purge_person` does it with code of its own (the person's card, the account, login records);
- KEEP: nothing is done, and `why` says why (a document of record kept by law, or no personal data at all).

With `history`, django-simple-history's copies of the rows get the same action ("blank": the same fields and
the change reason emptied; "delete": the copies deleted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Replace
from django.utils.module_loading import autodiscover_modules

BLANK, DELETE, NAME, OWN, KEEP = "blank", "delete", "name", "own", "keep"


@dataclass(frozen=True)
class Place:
    model: str  # "app_label.ModelName"
    action: str
    fields: tuple[str, ...] = ()
    code: str = ""  # the category's name in PurgeRecord.destroyed and .counts
    reach: str = ""  # lookup from a row to the person (for NAME: to the person's organisation)
    label: str = ""  # what is destroyed there, in Russian, for the act of destruction
    why: str = ""  # for KEEP: why the data stays
    where: dict = field(default_factory=dict)  # a further filter on the rows reached
    history: str = ""  # "", "blank" or "delete"

    def get_model(self) -> type[models.Model]:
        return apps.get_model(self.model)


_register: list[Place] = []
_discovered = False


def register(*entries: Place) -> None:
    for entry in entries:
        if entry.action not in (BLANK, DELETE, NAME, OWN, KEEP):
            raise ValueError(f"{entry.model}: unknown action {entry.action!r}")
        if entry.action == KEEP and not entry.why:
            raise ValueError(f"{entry.model}: a kept place needs a reason")
        if entry.action in (BLANK, DELETE, NAME) and not (entry.reach and entry.label and entry.code):
            raise ValueError(f"{entry.model}: a place the purge acts on needs `reach`, `label` and `code`")
        if entry not in _register:
            _register.append(entry)


def places() -> list[Place]:
    """Every declared place, of every installed app (each app's personal_data module is imported once)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("personal_data")
        _discovered = True
    return list(_register)


def acting() -> list[Place]:
    """The places the purge acts on, in the order it walks them."""
    return [place for place in places() if place.action in (BLANK, DELETE, NAME)]


def label_of(code: str) -> str | None:
    return next((place.label for place in places() if place.code and place.code == code), None)


# --- the purge's walk -------------------------------------------------------------------------------------------


def _rows(place: Place, model: type[models.Model], value) -> models.QuerySet:
    reached = model._default_manager.filter(**{place.reach: value}, **place.where)
    # A lookup across a many-to-many relation may reach a row twice; the outer query names each once.
    return model._default_manager.filter(pk__in=reached.values("pk"))


def _blank(qs: models.QuerySet, names: tuple[str, ...]) -> int:
    model = qs.model
    text, files = [], []
    for name in names:
        f = model._meta.get_field(name)
        (files if isinstance(f, models.FileField) else text).append(f)
    empty = models.Q()
    for f in text + files:
        empty &= models.Q(**{f.name: ""}) | (models.Q(**{f"{f.name}__isnull": True}) if f.null else models.Q())
    holding = qs.exclude(empty)
    for f in files:
        for name, storage in (
            (row[f.name], f.storage) for row in holding.exclude(**{f.name: ""}).values(f.name) if row[f.name]
        ):
            # Files are not transactional: each goes once the database no longer points to it.
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    return holding.update(**{f.name: "" for f in text + files})


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    history = getattr(model, "history", None)
    return getattr(history, "model", None)


def apply(place: Place, person) -> int:
    """Do what the place says to the person's rows; return how many rows held data that was destroyed."""
    model = place.get_model()
    if place.action == NAME:
        return _replace_name(place, model, person)
    qs = _rows(place, model, person)
    if place.action == BLANK:
        count = _blank(qs, place.fields)
    else:
        _, deleted = qs.delete()
        count = deleted.get(model._meta.label, 0)
    historical = _history_model(model)
    if historical is not None and place.history:
        copies = _rows(place, historical, person)
        if place.history == "delete":
            copies.delete()
        else:
            _blank(copies, (*place.fields, "history_change_reason"))
    return count


def _replace_name(place: Place, model: type[models.Model], person) -> int:
    qs = model._default_manager.filter(**{place.reach: person.organization}, **place.where)
    label = f"Обезличено № {person.pk}"
    count = 0
    # The full name first: the short one is a part of nothing longer.
    for name in dict.fromkeys(n for n in (person.full_name, person.short_name) if len(n) > 3):
        for f in place.fields:
            count += qs.filter(**{f"{f}__contains": name}).update(
                **{f: Replace(f, models.Value(name), models.Value(label))}
            )
    return count


# --- people's own places ----------------------------------------------------------------------------------------

register(
    Place(
        "people.Person",
        OWN,
        (
            "surname",
            "name",
            "patronymic",
            "email",
            "phone",
            "position",
            "name_key",
            "name_genitive",
            "name_dative",
            "name_accusative",
            "name_instrumental",
        ),
        label="ФИО с формами склонения, должность, контакты (Person.anonymize)",
    ),
    Place(
        "auth.User",
        OWN,
        ("username", "first_name", "last_name", "email", "password"),
        label="учётная запись, если она не служит другой организации; записи о входах (django-axes)",
    ),
    Place(
        "people.AuditEvent",
        OWN,
        ("username",),
        label="логин в журнале безопасности заменён на «обезличено»",
    ),
    Place(
        "people.AuditEvent",
        KEEP,
        ("detail",),
        why="пишется программой без ФИО (номер работника и логин); логин в нём заменяется при уничтожении",
    ),
    Place("admin.LogEntry", OWN, ("object_repr",), label="название записи в журнале изменений админки"),
    Place("people.Role", DELETE, code="roles", reach="person", label="роли"),
    Place(
        "people.MenteeEntry",
        BLANK,
        ("difficulties", "support_given", "status_note"),
        code="mentee_requests",
        reach="person",
        label="тексты запросов",
        history="delete",
    ),
    Place(
        "people.MentorEntry",
        BLANK,
        ("motivation", "subjects", "status_note"),
        code="mentor_questionnaires",
        reach="person",
        label="анкеты",
        history="delete",
    ),
    Place("people.Consent", BLANK, ("scan",), code="consent_scans", reach="person", label="сканы согласий"),
    Place("people.Notice", DELETE, code="notices", reach="person", label="уведомления работнику"),
    Place(
        "people.Notice",
        NAME,
        ("text", "body"),
        code="notice_mentions",
        reach="organization",
        label="упоминания в уведомлениях другим работникам",
    ),
    Place("people.Notice", KEEP, ("link", "link_text"), why="адрес страницы и подпись ссылки"),
    Place(
        "people.Person",
        KEEP,
        ("notice_delivery",),
        why="выбор способа доставки уведомлений по их видам, без сведений о человеке",
    ),
    Place(
        "people.PurgeRecord",
        KEEP,
        ("label", "destroyed", "purged_by", "counts"),
        why="акт уничтожения: обезличенное обозначение и перечень категорий, без самих сведений",
    ),
    Place("people.ConsentText", KEEP, ("title", "body"), why="текст согласия организации, общий для всех"),
    Place(
        "people.StaffImport",
        KEEP,
        ("original_name", "file", "summary"),
        why="файл и строки уходят, как только импорт применён или отменён (StaffImport._close); остаются счётчики",
    ),
    Place(
        "people.StaffImportRow",
        BLANK,
        ("name", "notes", "cells"),
        code="staff_import_rows",
        reach="person",
        label="строки загруженных списков работников",
    ),
    Place(
        "people.BackgroundJob",
        DELETE,
        code="background_jobs",
        reach="person",
        label="фоновые задачи, о которых сообщалось работнику, с их итогами и файлами",
    ),
    Place(
        "people.BackgroundJob",
        KEEP,
        ("title", "subject", "message", "result_url", "result_text", "result_file", "result_name", "error", "task_id"),
        why="задачи других работников: название, ход и итог работы (загрузка, отчёт), без сведений о работнике",
    ),
    Place("people.TrainingEvent", KEEP, ("topic", "form", "description"), why="тема и описание обучения"),
    Place("people.Municipality", KEEP, ("slug", "name", "region"), why="сведения о муниципалитете"),
    Place(
        "people.Organization",
        KEEP,
        (
            "slug",
            "full_name",
            "short_name",
            "municipality",
            "region",
            "address",
            "site",
            "email",
            "phone",
            "city",
            "order_number_format",
            "acting_head_position",
            "acting_basis_number",
            "legal_address",
            "inn",
            "ogrn",
            "order_basis",
        ),
        why="реквизиты организации и приказа о назначении и. о. руководителя; сам и. о. — ссылка на обезличенную "
        "карточку",
    ),
    Place(
        "admin.LogEntry",
        KEEP,
        ("object_id", "change_message"),
        why="номер записи и названия изменённых полей, без их значений",
    ),
)

# The second factor of approvals (people.second_factor): the devices hang on the account, not on the card.
register(
    Place(
        "otp_totp.TOTPDevice",
        KEEP,
        ("name", "key"),
        why="название устройства и секрет приложения-аутентификатора — не сведения о человеке; удаляются вместе "
        "с учётной записью",
    ),
    Place(
        "otp_email.EmailDevice",
        BLANK,
        ("email", "token"),
        code="second_factor_email",
        reach="user__people",
        label="адрес для одноразовых кодов подтверждения",
    ),
    Place("otp_email.EmailDevice", KEEP, ("name",), why="название способа подтверждения, одно для всех"),
)
