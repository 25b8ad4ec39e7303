"""The regulation (Положение) of the mentoring system: generated from the model text, versioned, adopted by the
pedagogical council, approved by an order of the head (roadmap.services.apply_effects, case REGULATION).

The text is plain with one piece of markup: a line starting with «## » is a section heading; every other
non-empty line is a paragraph kept exactly as written (numbers included).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from people.models import MentoringForm, MentoringKind, Organization, Person, Role
from roadmap.documents import blocks
from roadmap.drafting import draft_order
from roadmap.models import Order, OrderKind, Regulation, Roadmap

MODEL_TEXT = Path(settings.BASE_DIR) / "fixtures" / "regulation_model.md"
TITLE = "Положение о системе наставничества педагогических работников"
BLANK = "____________"
_PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")


# --- the model text and what fills it ---


def model_text(path: Path = MODEL_TEXT) -> str:
    """The model text without its service comments (lines starting with «# »)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("# ")).strip() + "\n"


def org_curator(org: Organization) -> Person | None:
    role = (
        Role.objects.filter(kind=Role.Kind.CURATOR, person__organization=org, person__left_on__isnull=True)
        .select_related("person")
        .order_by("person__surname", "person__name", "person_id")
        .first()
    )
    return role.person if role else None


# The clause of the model text that names the curator (fixtures/regulation_model.md, 4.2).
CURATOR_CLAUSE = re.compile(r"Куратор реализации программ наставничества \(([^)\n]+)\)")
CURATOR_BY_ORDER = "назначается приказом руководителя"


def named_curator(body: str) -> str:
    """Whom the regulation's text names as curator («ФИО, должность»), or "" if it names nobody."""
    found = CURATOR_CLAUSE.search(body or "")
    named = found.group(1).strip() if found else ""
    return "" if named == CURATOR_BY_ORDER else named


def curator_mismatch(org: Organization, regulation: Regulation | None = None) -> dict | None:
    """The regulation names a curator who is no longer in office (after a curator order): what to say, or None.

    The regulation is never rewritten by the order: a new version is prepared and approved the same way.
    """
    reg = regulation or current(org)
    named = named_curator(reg.body) if reg is not None else ""
    if not named:
        return None
    curators = list(
        Person.objects.for_org(org).working().filter(roles__kind=Role.Kind.CURATOR).order_by("surname", "name", "id")
    )
    if not curators or any(named.startswith(p.full_name) for p in curators):
        return None
    in_office = ", ".join(p.full_name for p in curators)
    action = (
        "Исправьте проект и утвердите его приказом"
        if reg.status == Regulation.Status.DRAFT
        else "Подготовьте новую версию положения и утвердите её приказом"
    )
    text = (
        f"Положение о системе наставничества (версия {reg.version}) называет куратором: {named}; "
        f"куратор сейчас — {in_office}. {action}."
    )
    return {"regulation": reg, "named": named, "curators": curators, "text": text}


def _names(model, org: Organization) -> str:
    names = list(model.objects.filter(organization=org, is_active=True).values_list("name", flat=True))
    return "; ".join(f"«{name}»" for name in names) if names else BLANK


def model_values(org: Organization) -> dict[str, str]:
    curator = org_curator(org)
    if curator is None:
        curator_text = "назначается приказом руководителя"
    elif curator.position:
        curator_text = f"{curator.full_name}, {curator.position.lower()}"
    else:
        curator_text = curator.full_name
    return {
        "полное_наименование": org.full_name,
        "краткое_наименование": org.short_name,
        "куратор": curator_text,
        "формы": _names(MentoringForm, org),
        "виды": _names(MentoringKind, org),
    }


def fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# --- reading the text ---


# --- versions ---


def versions(org: Organization):
    return Regulation.objects.filter(organization=org).select_related("approved_by_order", "created_by")


def current(org: Organization) -> Regulation | None:
    return versions(org).order_by("-version").first()


def _create(org: Organization, *, title: str, body: str, by) -> Regulation:
    with transaction.atomic():
        # Lock the organisation's versions so that two clicks cannot take the same number.
        taken = list(Regulation.objects.select_for_update().filter(organization=org).values_list("version", flat=True))
        try:
            with transaction.atomic():
                return Regulation.objects.create(
                    organization=org, version=max(taken, default=0) + 1, title=title, body=body, created_by=by
                )
        except IntegrityError as exc:
            raise ValidationError("Новая версия уже создана другим пользователем; обновите страницу.") from exc


def generate(org: Organization, *, by) -> Regulation:
    """Version 1 from the model text with the organisation's data filled in."""
    if Regulation.objects.filter(organization=org).exists():
        raise ValidationError("Положение уже создано: чтобы изменить его, создайте новую версию.")
    return _create(org, title=TITLE, body=fill(model_text(), model_values(org)), by=by)


def new_version(org: Organization, *, by) -> Regulation:
    """A new draft with the text of the latest version."""
    latest = current(org)
    if latest is None:
        raise ValidationError("Положение ещё не создано: сначала сформируйте его по типовому тексту.")
    if latest.status == Regulation.Status.DRAFT:
        raise ValidationError(f"Версия {latest.version} ещё проект: правьте её, новая версия не нужна.")
    return _create(org, title=latest.title, body=latest.body, by=by)


def _locked(regulation: Regulation) -> Regulation:
    return Regulation.objects.select_for_update().get(pk=regulation.pk)


def save_text(regulation: Regulation, *, title: str, body: str) -> None:
    with transaction.atomic():
        locked = _locked(regulation)
        if locked.status != Regulation.Status.DRAFT:
            raise ValidationError("Изменять можно только проект; для правок создайте новую версию.")
        locked.title, locked.body = title.strip(), body.strip() + "\n"
        locked.save(update_fields=["title", "body"])
    regulation.title, regulation.body = locked.title, locked.body


def adopt(regulation: Regulation, *, council_date, council_number: str) -> None:
    """Проект → «Принято педагогическим советом» with the protocol's date and number."""
    if council_date > timezone.localdate():
        raise ValidationError("Дата протокола не может быть позже сегодняшней.")
    if not council_number.strip():
        raise ValidationError("Укажите номер протокола.")
    with transaction.atomic():
        locked = _locked(regulation)
        if locked.status != Regulation.Status.DRAFT:
            raise ValidationError(f"Версия {locked.version} уже «{locked.get_status_display()}».")
        locked.status = Regulation.Status.ADOPTED
        locked.council_date, locked.council_number = council_date, council_number.strip()
        locked.save(update_fields=["status", "council_date", "council_number"])
    regulation.status, regulation.council_date, regulation.council_number = (
        locked.status,
        locked.council_date,
        locked.council_number,
    )


def approve(regulation: Regulation, order: Order) -> None:
    """«Принято» → «Утверждено приказом»; called inside the order's approval transaction."""
    locked = _locked(regulation)
    if locked.organization_id != order.organization_id:
        raise ValidationError("Приказ называет положение другой организации.")
    if locked.status != Regulation.Status.ADOPTED:
        raise ValidationError(
            f"Положение (версия {locked.version}) — «{locked.get_status_display()}»: утвердить приказом можно "
            "только положение, принятое педагогическим советом."
        )
    locked.status, locked.approved_by_order = Regulation.Status.APPROVED, order
    locked.save(update_fields=["status", "approved_by_order"])


def approvable_roadmaps(org: Organization):
    """Drafts of new roadmaps (not new редакции of approved ones) a regulation order may approve with it."""
    return Roadmap.objects.for_org(org).filter(status=Roadmap.Status.DRAFT, replaces__isnull=True)


def draft_approval_order(regulation: Regulation, *, by, roadmap: Roadmap | None = None) -> Order:
    """«Сформировать приказ об утверждении»: the adopted version and, when the curator chose one, a draft roadmap
    approved together with it (via draft_order). Nothing is picked silently: without a choice the order approves
    the regulation alone, and a roadmap gets its own order «Об утверждении дорожной карты»."""

    if regulation.status != Regulation.Status.ADOPTED:
        raise ValidationError("Приказ об утверждении формируется после принятия положения педагогическим советом.")
    org = regulation.organization
    return draft_order(org, OrderKind.REGULATION, by=by, regulation=regulation, roadmap=roadmap)


# --- the document ---


def stamps(regulation: Regulation) -> dict[str, str]:
    """The texts of «ПРИНЯТО …» and «УТВЕРЖДЕНО …», blanks until the step is taken."""
    adopted = regulation.council_date is not None
    council = (
        f"от {regulation.council_date:%d.%m.%Y} № {regulation.council_number}" if adopted else "от __.__.____ № ___"
    )
    order = regulation.approved_by_order
    if order is not None and order.date and order.reg_number:
        approval = f"от {order.date:%d.%m.%Y} № {order.reg_number}"
    else:
        approval = "от __.__.____ № ___"
    return {"council": council, "approval": approval}


def document_context(regulation: Regulation) -> dict:
    return {
        "regulation": regulation,
        "organization": regulation.organization,
        "title": regulation.title,
        "blocks": blocks(regulation.body),
        "stamps": stamps(regulation),
    }
