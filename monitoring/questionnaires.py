"""Questionnaire workflows: default question sets, launching a round, answering once, reminders, per-round results.

Views and the demo call these; they keep each change in one transaction. Period-wide figures (satisfaction
averages over a year, growth from start to end) belong to the reports (mentoring/reports.py), not here: this
module only summarises one round.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Mentorship, Programme
from monitoring.models import Answer, Invitation, Question, QuestionSet, Response, SurveyRound
from people import letters, notices
from people.changes import organization_changed
from people.models import Notice, Organization, Person

QUESTION_SETS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "question_sets.json"
QUESTION_FIELDS = ("text", "kind", "choices", "scale_min", "scale_max", "domain", "required")
# Programmes a round may ask about: the pair works now or has finished (the end-of-programme assessment).
SURVEYED_STATES = {
    "active": [Mentorship.State.ACTIVE],
    "finished": [Mentorship.State.COMPLETED, Mentorship.State.ENDED_EARLY],
}


# --- question sets ---------------------------------------------------------------------------------------------


def default_sets() -> list[dict]:
    with QUESTION_SETS_FIXTURE.open(encoding="utf-8") as fh:
        return json.load(fh)["question_sets"]


def ensure_question_sets(org: Organization) -> int:
    """Install the default sets the organisation does not have yet (matched by code); returns how many were new.

    A set the organisation has changed or switched off stays as it is: only a missing code is installed.
    """
    have = set(QuestionSet.objects.filter(organization=org).exclude(code="").values_list("code", flat=True))
    created = 0
    for spec in default_sets():
        if spec["code"] in have:
            continue
        with transaction.atomic():
            qset = QuestionSet.objects.create(
                organization=org,
                code=spec["code"],
                title=spec["title"],
                purpose=spec["purpose"],
                audience=spec["audience"],
                intro=spec.get("intro", ""),
                position=spec.get("position", 100),
            )
            Question.objects.bulk_create(
                [
                    Question(
                        question_set=qset,
                        position=n,
                        text=q["text"],
                        kind=q.get("kind", Question.Kind.SCALE),
                        choices=q.get("choices", []),
                        scale_min=q.get("scale_min", 1),
                        scale_max=q.get("scale_max", 10),
                        domain=q.get("domain", ""),
                        required=q.get("required", True),
                    )
                    for n, q in enumerate(spec["questions"], start=1)
                ]
            )
        created += 1
    return created


def answered_question_ids(qset: QuestionSet) -> set[int]:
    """Questions of the set someone has answered: their meaning must stay (no deletion, no change of kind)."""
    return set(Answer.objects.filter(question__question_set=qset).values_list("question_id", flat=True).distinct())


@transaction.atomic
def copy_question_set(qset: QuestionSet) -> QuestionSet:
    """A copy to adapt freely: the organisation's own set (no code), not yet used in any round."""
    copy = QuestionSet.objects.create(
        organization=qset.organization,
        title=f"{qset.title} (копия)"[:300],
        purpose=qset.purpose,
        audience=qset.audience,
        intro=qset.intro,
        is_active=True,
        position=qset.position + 1,
    )
    Question.objects.bulk_create(
        [
            Question(question_set=copy, position=q.position, **{f: getattr(q, f) for f in QUESTION_FIELDS})
            for q in qset.questions.all()
        ]
    )
    return copy


def move_question(question: Question, direction: int) -> bool:
    """Swap the question with its neighbour above (-1) or below (+1); positions are renumbered 1..n."""
    questions = list(question.question_set.questions.order_by("position", "id"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index + direction
    if not 0 <= other < len(questions):
        return False
    questions[index], questions[other] = questions[other], questions[index]
    for n, q in enumerate(questions, start=1):
        q.position = n
    Question.objects.bulk_update(questions, ["position"])
    return True


def next_position(qset: QuestionSet) -> int:
    last = qset.questions.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


# --- launching a round --------------------------------------------------------------------------------------------


def surveyable_programmes(org: Organization, which: str = "") -> list[Programme]:
    """The organisation's programmes of working or finished pairs, with mentor and mentees, in three queries."""
    states = SURVEYED_STATES.get(which) or [s for group in SURVEYED_STATES.values() for s in group]
    qs = (
        Programme.objects.filter(mentorship__organization=org, mentorship__state__in=states)
        .select_related("mentorship__mentor")
        .prefetch_related(
            Prefetch("mentorship__mentees", queryset=Person.objects.order_by("surname", "name", "id")),
        )
        .order_by("mentorship__mentor__surname", "mentorship__mentor__name", "start", "id")
    )
    return list(qs)


def build_invitations(survey: SurveyRound, programmes: list[Programme]) -> list[Invitation]:
    A = QuestionSet.Audience
    rows = []
    for p in programmes:
        m = p.mentorship
        if survey.audience in (A.MENTOR, A.BOTH):
            rows.append(Invitation(round=survey, person=m.mentor, programme=p, role=Invitation.Role.MENTOR))
        if survey.audience in (A.MENTEE, A.BOTH):
            rows += [
                Invitation(round=survey, person=mentee, programme=p, role=Invitation.Role.MENTEE)
                for mentee in m.mentees.all()
            ]
    return rows


def launch_round(
    org: Organization,
    *,
    question_set: QuestionSet,
    programmes: list[Programme],
    deadline: date,
    moment: str = SurveyRound.Moment.ONCE,
    audience: str = QuestionSet.Audience.BOTH,
    anonymous: bool = True,
    title: str = "",
    by=None,
    notify: bool = True,
) -> tuple[SurveyRound, int]:
    """Create the round and an invitation for every mentor and mentee it asks; e-mail them. Returns (round, mails).

    `programmes` come with their mentorship, mentor and mentees loaded (see `surveyable_programmes`).
    """
    if question_set.organization_id != org.pk or any(p.mentorship.organization_id != org.pk for p in programmes):
        raise ValidationError("Анкета и программы должны принадлежать организации.")
    if not programmes:
        raise ValidationError("Выберите хотя бы одну программу.")
    if deadline < timezone.localdate():
        raise ValidationError("Срок ответа не может быть в прошлом.")
    with transaction.atomic():
        survey = SurveyRound.objects.create(
            organization=org,
            question_set=question_set,
            title=(title or default_round_title(question_set, moment))[:300],
            moment=moment,
            audience=audience,
            deadline=deadline,
            anonymous=anonymous,
            launched_by=by,
        )
        survey.programmes.set(programmes)
        invitations = Invitation.objects.bulk_create(build_invitations(survey, programmes))
        if not invitations:
            raise ValidationError("В выбранных программах нет участников, которых опрашивает анкетирование.")
        organization_changed(org)
    mailed = send_questionnaire_mails(survey, invitations, reminder=False) if notify else 0
    return survey, mailed


def default_round_title(qset: QuestionSet, moment: str) -> str:
    suffix = {SurveyRound.Moment.START: "начало программы", SurveyRound.Moment.END: "окончание программы"}
    when = suffix.get(moment)
    return f"{qset.title}: {when}" if when else qset.title


# --- e-mails ------------------------------------------------------------------------------------------------------


def email_of(person: Person) -> str:
    return person.email or (person.user.email if person.user_id and person.user else "")


def answer_link(invitation: Invitation, org: Organization) -> str:
    return notices.absolute(reverse("monitoring:my_questionnaire", args=[org.slug, invitation.pk]))


def send_questionnaire_mails(survey: SurveyRound, invitations: list[Invitation], *, reminder: bool) -> int:
    """One letter per invited person with an address (a person asked about two programmes gets one letter).

    The letters leave from the task worker (people.letters) once the launch commits: a mail server outage must
    not undo the launch, so failures are logged and their notices marked, not raised. Returns how many letters
    were queued.
    """
    org = survey.organization
    by_person: dict[int, list[Invitation]] = defaultdict(list)
    people: dict[int, Person] = {}
    for inv in invitations:
        by_person[inv.person_id].append(inv)
        people[inv.person_id] = inv.person
    template = "reminder" if reminder else "invitation"
    subject = (
        f"{org.short_name}: напоминание — ответьте на анкету до {survey.deadline:%d.%m.%Y}"
        if reminder
        else f"{org.short_name}: просим ответить на анкету «{survey.question_set.title}»"
    )
    outgoing: list[letters.Letter] = []
    title = (
        f"Напоминание: ответьте на анкету «{survey.question_set.title}» до {survey.deadline:%d.%m.%Y}"
        if reminder
        else f"Просим ответить на анкету «{survey.question_set.title}» до {survey.deadline:%d.%m.%Y}"
    )
    mailed_notices: list[int] = []
    for pk, invs in by_person.items():
        # Every invited person finds it in the notification centre; the letter goes now only to those who want it.
        person = people[pk]
        path = reverse("monitoring:my_questionnaire", args=[org.slug, invs[0].pk])
        detail = "Анкет: " + str(len(invs)) + "." if len(invs) > 1 else ""
        if not notices.wants_now(person, notices.Kind.QUESTIONNAIRE):
            notices.tell(person, notices.Kind.QUESTIONNAIRE, title, detail, path, link_text="Ответить на анкету")
            continue
        notice = notices.record(  # «mailed» once its letter leaves (people.letters.deliver)
            person, notices.Kind.QUESTIONNAIRE, title, detail, path, "Ответить на анкету", Notice.State.APP
        )
        mailed_notices.append(notice.pk)
        address = email_of(person)
        context = {
            "person": people[pk],
            "org": org,
            "survey": survey,
            "links": [answer_link(inv, org) for inv in invs],
            "count": len(invs),
        }
        body = render_to_string(f"monitoring/questionnaires/emails/{template}.txt", context)
        outgoing.append((address, subject, body))
    transaction.on_commit(lambda: letters.send(outgoing, mailed_notices))
    return len(outgoing)


def remind_round(survey: SurveyRound, today: date | None = None) -> int:
    """E-mail everyone who has not answered yet; mark them reminded. Returns the number of letters sent."""
    if not survey.accepts_answers(today):
        raise ValidationError("Напоминать можно только пока анкетирование идёт и срок ответа не истёк.")
    pending = list(survey.invitations.filter(answered_at__isnull=True).select_related("person__user"))
    sent = send_questionnaire_mails(survey, pending, reminder=True)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(reminded_at=now)
        survey.last_reminded_on = timezone.localdate()
        survey.save(update_fields=["last_reminded_on"])
    return sent


# --- answering ----------------------------------------------------------------------------------------------------


def answer_values(question: Question, value) -> dict:
    """The Answer fields for one cleaned form value ('' / None / [] for a skipped optional question)."""
    K = Question.Kind
    if question.kind == K.SCALE:
        return {"number": float(value)} if value not in (None, "") else {}
    if question.kind == K.CHOICE:
        return {"selected": [value]} if value else {}
    if question.kind == K.MULTIPLE:
        return {"selected": list(value)} if value else {}
    text = (value or "").strip()
    return {"text": text} if text else {}


def submit_answers(invitation: Invitation, questions: list[Question], cleaned: dict) -> Response:
    """Store the answers of one invitation: once, while the round accepts answers, all in one transaction."""
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("round__organization")
            .get(pk=invitation.pk)
        )
        if locked.answered_at is not None:
            raise ValidationError("Вы уже ответили на эту анкету: ответ принимается один раз.")
        if not locked.round.accepts_answers():
            raise ValidationError("Анкетирование завершено или срок ответа истёк: ответы больше не принимаются.")
        now = timezone.now()
        response = Response.objects.create(invitation=locked, submitted_at=now)
        rows = []
        for q in questions:
            values = answer_values(q, cleaned.get(f"q{q.pk}"))
            if values:
                rows.append(Answer(response=response, question=q, **values))
        Answer.objects.bulk_create(rows)
        locked.answered_at = now
        locked.save(update_fields=["answered_at"])
        organization_changed(locked.round.organization)
    invitation.answered_at = now
    return response


def own_answers(invitation: Invitation, questions: list[Question]) -> list[tuple[Question, str]]:
    """The person's own answers in the order of the questions, as text."""
    if invitation.answered_at is None:
        return []
    answers = {a.question_id: a for a in Answer.objects.filter(response__invitation=invitation)}
    rows = []
    for q in questions:
        a = answers.get(q.pk)
        if a is None:
            shown = "—"
        elif q.kind == Question.Kind.SCALE:
            shown = f"{a.number:g} из {q.scale_max}"
        elif q.kind in (Question.Kind.CHOICE, Question.Kind.MULTIPLE):
            shown = "; ".join(a.selected)
        else:
            shown = a.text
        rows.append((q, shown))
    return rows


# --- the round's progress and results ------------------------------------------------------------------------------


def progress_of(survey: SurveyRound) -> dict:
    """Answered and invited, overall and by role, in one query."""
    answered = Q(answered_at__isnull=False)
    R = Invitation.Role
    row = survey.invitations.aggregate(
        invited=Count("id"),
        answered=Count("id", filter=answered),
        mentors=Count("id", filter=Q(role=R.MENTOR)),
        mentors_answered=Count("id", filter=Q(role=R.MENTOR) & answered),
        mentees=Count("id", filter=Q(role=R.MENTEE)),
        mentees_answered=Count("id", filter=Q(role=R.MENTEE) & answered),
    )
    row["percent"] = round(100 * row["answered"] / row["invited"]) if row["invited"] else 0
    return row


def programme_rows(survey: SurveyRound) -> list[dict]:
    """Each programme of the round with its invitations (person and state), in one query."""
    invitations = survey.invitations.select_related("person", "programme__mentorship__mentor").order_by(
        "programme__mentorship__mentor__surname", "programme_id", "role", "person__surname", "id"
    )
    rows: dict[int, dict] = {}
    for inv in invitations:
        row = rows.setdefault(
            inv.programme_id,
            {"programme": inv.programme, "mentor": inv.programme.mentorship.mentor, "invitations": []},
        )
        row["invitations"].append(inv)
    for row in rows.values():
        row["invited"] = len(row["invitations"])
        row["answered"] = sum(1 for i in row["invitations"] if i.answered_at)
    return list(rows.values())


def question_results(survey: SurveyRound, questions: list[Question]) -> list[dict]:
    """Per question: scale average and count, choice distribution, free texts (signed only if not anonymous).

    An anonymous round keeps its free texts back until settings.ANONYMOUS_TEXTS_MIN_RESPONSES people have answered
    (with fewer, a comment can be traced to its author by elimination) and lists them in the order of the text.
    Three queries whatever the number of answers, four in an anonymous round.
    """
    answers = Answer.objects.filter(response__invitation__round=survey)
    scales = {
        row["question"]: row
        for row in answers.filter(number__isnull=False).values("question").annotate(avg=Avg("number"), n=Count("id"))
    }
    picks: dict[int, Counter] = defaultdict(Counter)
    picked_by: Counter = Counter()
    choice_kinds = [Question.Kind.CHOICE, Question.Kind.MULTIPLE]
    for qid, selected in answers.filter(question__kind__in=choice_kinds).values_list("question_id", "selected"):
        picked_by[qid] += 1
        picks[qid].update(selected or [])
    texts: dict[int, list] = defaultdict(list)
    text_rows = answers.filter(question__kind=Question.Kind.TEXT).exclude(text="").order_by("response__submitted_at")
    answered = Response.objects.filter(invitation__round=survey).count() if survey.anonymous else None
    texts_hidden = answered is not None and answered < settings.ANONYMOUS_TEXTS_MIN_RESPONSES
    if not survey.anonymous:
        for a in text_rows.select_related("response__invitation__person"):
            texts[a.question_id].append({"text": a.text, "who": a.response.invitation.person.short_name})
    elif not texts_hidden:  # too few answers keep the texts unread: a comment could be traced to its author
        # In the order of the text, not of answering: the time of an answer must not point to its author.
        for qid, text in sorted(text_rows.values_list("question_id", "text"), key=lambda r: (r[0], r[1].lower())):
            texts[qid].append({"text": text, "who": ""})
    results = []
    for q in questions:
        item = {"question": q}
        if q.kind == Question.Kind.SCALE:
            row = scales.get(q.pk)
            item["avg"] = row["avg"] if row else None
            item["n"] = row["n"] if row else 0
            item["percent"] = (
                round(100 * (item["avg"] - q.scale_min) / (q.scale_max - q.scale_min)) if item["avg"] is not None else 0
            )
        elif q.kind in choice_kinds:
            total = picked_by[q.pk]
            counts = picks[q.pk]
            options = list(q.choices) + [c for c in counts if c not in q.choices]
            item["n"] = total
            item["options"] = [
                {"label": c, "count": counts[c], "percent": round(100 * counts[c] / total) if total else 0}
                for c in options
            ]
        else:
            item["texts"] = texts[q.pk]
            item["n"] = len(texts[q.pk])
            item["texts_hidden"] = texts_hidden
            item["answered"] = answered
        results.append(item)
    return results


def domain_averages(results: list[dict]) -> list[dict]:
    """Average of the scale averages by side of growth (only for questions tagged with a domain)."""
    sums: dict[str, list[float]] = defaultdict(list)
    for item in results:
        q = item["question"]
        if q.kind == Question.Kind.SCALE and q.domain and item.get("avg") is not None:
            sums[q.domain].append(item["avg"])
    return [
        {"label": Question.Domain(domain).label, "avg": sum(values) / len(values), "questions": len(values)}
        for domain, values in sums.items()
    ]


def pending_for(person: Person, org: Organization, limit: int = 10) -> list[Invitation]:
    """The person's questionnaires still waiting for an answer, nearest deadline first (one query)."""
    return list(
        Invitation.objects.due()
        .filter(person=person, round__organization=org)
        .select_related("round", "programme__mentorship__mentor")
        .order_by("round__deadline", "round_id", "id")[:limit]
    )
