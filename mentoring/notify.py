"""Who hears what about pairs, groups and programmes (people.notices.tell).

Called by the state changes themselves (mentoring.models) inside their transaction: letters leave once it commits.
The mentor and the mentees hear of their pair and programme; whoever approves programmes (the organisation's
regulation names the role) hears of a programme or change waiting for them; the curators hear of requests.

This module sits below mentoring.models (which call it), so it takes their objects without importing the classes:
`m` is a Mentorship, `p` a Programme, `r` a ProgrammeRevision.
"""

from __future__ import annotations

from django.urls import reverse

from people import notices
from people.declension import gendered
from people.models import Person, Role


def _pair_path(m) -> str:
    return reverse("mentoring:mentorship_detail", args=[m.organization.slug, m.pk])


def _programme_path(m) -> str:
    return reverse("mentoring:programme", args=[m.organization.slug, m.pk])


def _holders(m, kind: str) -> list[Person]:
    people = Person.objects.for_org(m.organization).working().filter(roles__kind=kind).distinct()
    return list(people.select_related("organization", "user").order_by("pk"))


def _whose(m) -> str:
    return f"{m.kind_label.lower()} наставника {m.mentor.short_name}"


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def pair_ended(m) -> None:
    state = m.get_state_display().lower()
    reason = f": {m.get_end_reason_display().lower()}" if m.end_reason else ""
    notices.tell(
        m.participants(),
        notices.Kind.PAIR,
        f"{_first_up(_whose(m))} {state} {m.ended_on:%d.%m.%Y}{reason}",
        "История пары (группы) и программа сохранены.",
        _pair_path(m),
        link_text="Открыть пару" if not m.is_group else "Открыть группу",
    )


def programme_sent(p) -> None:
    m = p.mentorship
    notices.tell(
        list(m.mentees.all()),
        notices.Kind.PROGRAMME,
        f"Наставник {m.mentor.short_name} {gendered(m.mentor, 'отправил', 'отправила')} вам программу на ознакомление",
        "Прочитайте программу и отметьте, что ознакомились, или верните её наставнику с замечаниями.",
        _programme_path(m),
        link_text="Открыть программу",
    )


def programme_acknowledged(p) -> None:
    m = p.mentorship
    who = p.acknowledged_by.short_name if p.acknowledged_by_id else "Наставляемый"
    notices.tell(
        m.mentor,
        notices.Kind.PROGRAMME,
        f"{who} ознакомился(лась) с программой",
        "Программа ждёт утверждения.",
        _programme_path(m),
        link_text="Открыть программу",
    )
    notices.tell(
        [p for p in _holders(m, m.organization.programme_approver) if p.pk != m.mentor_id],
        notices.Kind.PROGRAMME,
        f"Программа ({_whose(m)}) ждёт утверждения",
        "Наставляемый ознакомился с программой.",
        _programme_path(m),
        link_text="Открыть программу",
    )


def programme_returned(p, text: str) -> None:
    m = p.mentorship
    notices.tell(
        m.mentor,
        notices.Kind.PROGRAMME,
        "Программа возвращена вам на доработку",
        f"Замечания: {text}",
        _programme_path(m),
        link_text="Открыть программу",
    )


def programme_changed(p) -> None:
    """The mentor changed the plan after sending it: the acknowledgement is void, the mentee reads it again."""
    m = p.mentorship
    notices.tell(
        list(m.mentees.all()),
        notices.Kind.PROGRAMME,
        "Программа изменена после отправки: ознакомление снято",
        "Наставник изменил программу; когда он отправит её снова, ознакомьтесь с новой редакцией.",
        _programme_path(m),
        link_text="Открыть программу",
    )


def programme_approved(p) -> None:
    m = p.mentorship
    notices.tell(
        m.participants(),
        notices.Kind.PROGRAMME,
        f"Программа ({_whose(m)}) утверждена",
        f"Срок: с {p.start:%d.%m.%Y} по {p.end:%d.%m.%Y}." if p.start and p.end else "",
        _programme_path(m),
        link_text="Открыть программу",
    )


def change_proposed(r) -> None:
    m = r.programme.mentorship
    notices.tell(
        list(m.mentees.all()),
        notices.Kind.PROGRAMME,
        f"Предложено изменение программы: {r.get_kind_display().lower()}",
        f"Основание: {r.reason}\nСогласитесь с изменением или верните его с замечаниями.",
        _programme_path(m),
        link_text="Открыть программу",
    )


def change_agreed(r) -> None:
    m = r.programme.mentorship
    people = [m.mentor, *_holders(m, m.organization.programme_approver)]
    notices.tell(
        people,
        notices.Kind.PROGRAMME,
        f"Изменение программы ({_whose(m)}) согласовано наставляемым и ждёт утверждения",
        r.reason,
        _programme_path(m),
        link_text="Открыть программу",
    )


def change_returned(r) -> None:
    m = r.programme.mentorship
    notices.tell(
        m.mentor,
        notices.Kind.PROGRAMME,
        "Изменение программы возвращено с замечаниями",
        f"Замечания: {r.remark}",
        _programme_path(m),
        link_text="Открыть программу",
    )


def change_approved(r) -> None:
    m = r.programme.mentorship
    notices.tell(
        m.participants(),
        notices.Kind.PROGRAMME,
        f"Изменение программы ({_whose(m)}) утверждено и вступило в силу",
        f"Программа действует по {r.new_end:%d.%m.%Y}." if r.new_end else "",
        _programme_path(m),
        link_text="Открыть программу",
    )


def request_made(request) -> None:
    m = request.mentorship
    notices.tell(
        _holders(m, Role.Kind.CURATOR),
        notices.Kind.REQUEST,
        f"Просьба участника: {request.requested_by.short_name} — {request.get_kind_display().lower()}",
        f"{_first_up(_whose(m))}. Причина: {request.reason}",
        reverse("mentoring:change_requests", args=[m.organization.slug]),
        link_text="Открыть просьбы",
    )


# --- choosing each other (mentoring.choosing) and writing the programme together ---


def pair_to_confirm(m) -> None:
    """A pair or group was proposed: each participant is asked to confirm it or to decline with the reason."""
    if not m.organization.pairs_need_consent:
        return
    notices.tell(
        m.participants(),
        notices.Kind.PAIR,
        f"Вам предложена {_whose(m)}: подтвердите участие",
        "До включения в приказ пару подтверждают наставник и наставляемый. Если вы не согласны, "
        "откажитесь и укажите причину — куратор подберёт другую пару.",
        _pair_path(m),
        link_text="Открыть пару" if not m.is_group else "Открыть группу",
    )


def pair_answered(m, person, declined: bool, reason: str = "") -> None:
    """A participant answered: the curators hear of a refusal and of a pair both sides confirmed."""
    if declined:
        title = f"{person.short_name} отказался(лась) от предложенной пары ({_whose(m)})"
        body = f"Причина: {reason}"
    elif m.consent == m.Consent.CONFIRMED:
        title = f"{_first_up(_whose(m))} подтверждена участниками"
        body = "Пару можно включить в проект приказа."
    else:
        return
    notices.tell(
        _holders(m, Role.Kind.CURATOR),
        notices.Kind.PAIR,
        title,
        body,
        _pair_path(m),
        link_text="Открыть пару" if not m.is_group else "Открыть группу",
    )


def remark_left(remark) -> None:
    """The mentee commented on a row or proposed one: the mentor hears of it."""
    m = remark.programme.mentorship
    verb = ("предложил", "предложила") if remark.kind == remark.Kind.PROPOSAL else ("оставил", "оставила")
    what = gendered(remark.author, *verb) + (
        " новое мероприятие" if remark.kind == remark.Kind.PROPOSAL else " замечание"
    )
    notices.tell(
        m.mentor,
        notices.Kind.PROGRAMME,
        f"{remark.author.short_name} {what} к проекту программы",
        remark.text,
        _programme_path(m),
        link_text="Открыть программу",
    )


def remark_answered(remark) -> None:
    """The mentor took a remark into account or answered it: its author hears of it."""
    m = remark.programme.mentorship
    if remark.state == remark.State.ACCEPTED:
        title = f"Наставник {m.mentor.short_name} {gendered(m.mentor, 'учёл', 'учла')} ваше предложение к программе"
    else:
        title = (
            f"Наставник {m.mentor.short_name} {gendered(m.mentor, 'ответил', 'ответила')} на ваше замечание к программе"
        )
    notices.tell(
        remark.author,
        notices.Kind.PROGRAMME,
        title,
        remark.answer or remark.text,
        _programme_path(m),
        link_text="Открыть программу",
    )
