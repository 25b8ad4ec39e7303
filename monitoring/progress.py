"""Where each of the seven stages stands, computed from the records the banks, pairs and orders keep.

`org_figures` reads every count the stages, the dashboards and the reminders need in ONE query (a subquery per
figure on the organisation's row), whatever the size of the organisation; `stage_progress` turns them into checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from mentoring.models import (
    ChangeRequest,
    Mentorship,
    PlanActivity,
    Programme,
    ProgrammeRevision,
    ProgrammeTemplate,
    SupportRecord,
)
from monitoring.models import FinalEvent, Invitation, Practice, PublicPage
from monitoring.publishing import published_news, published_practices, published_results
from people.changes import cached_for, touch
from people.models import Consent, MenteeEntry, MentorEntry, Organization, Person, Purpose, Role
from roadmap.models import ActivityStatus, Order, OrderKind, Regulation, Roadmap, RoadmapActivity
from roadmap.stages import STAGES

SURVEY_PERIOD_DAYS = 365


def _count(qs) -> Coalesce:
    return Coalesce(Subquery(qs.order_by().values(n=Func(F("pk"), function="COUNT")), output_field=IntegerField()), 0)


def _consent(purpose: str, person: str = "person_id") -> Exists:
    return Exists(Consent.objects.active().filter(person_id=OuterRef(person), purpose=purpose))


def current_roadmap_id(org, today: date | None = None) -> Subquery:
    """The id of THE current roadmap (`Roadmap.objects.current_for`: the approved one of the period), as a subquery.

    `org` is an organisation or an outer reference to one. A draft — new, imported or a new редакция — never is.
    """
    return Roadmap.objects.current_id(org, today)


def org_figures(org: Organization) -> dict[str, int | bool]:
    """Every figure of the stage checks, the dashboards and the next actions, computed anew in two queries.

    Each figure is defined once, here, from the models' named querysets and statuses (e.g. «без наставника» is
    `MenteeEntry.WITHOUT_MENTOR_STATUSES`, as in `MenteeEntry.objects.without_mentor()`), and every page that
    shows it reads it from here or from the same queryset: one number wherever it is shown. The pages read the
    figures through `cached_figures`; what decides on them (the roadmap's completion) reads them here.
    """
    today = timezone.localdate()
    figures = _figures_queryset(today).get(pk=org.pk)
    figures.update(roadmap_stage_figures(org, today))
    return figures


def figures_of_orgs(org_ids: list[int], today: date) -> dict[int, dict]:
    """`org_figures` without the roadmap's tally, for many organisations in one query (the municipal status)."""
    rows = _figures_queryset(today).filter(pk__in=org_ids).annotate(org_pk=F("pk"))
    return {row.pop("org_pk"): row for row in rows}


def roadmap_stage_figures(org: Organization, today: date) -> dict[str, int]:
    """Per stage of the model, the current roadmap's activities (cancelled ones aside), done and under way."""
    rows = (
        RoadmapActivity.objects.filter(roadmap_id=current_roadmap_id(org, today), stage__model_stage__isnull=False)
        .exclude(status=ActivityStatus.CANCELLED)
        .values("stage__model_stage")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ActivityStatus.DONE)),
            started=Count("pk", filter=Q(status__in=[ActivityStatus.DONE, ActivityStatus.IN_PROGRESS])),
        )
        .order_by()
    )
    tally = {row["stage__model_stage"]: row for row in rows}
    figures = {}
    for s in STAGES:
        row = tally.get(s.number, {})
        figures[f"stage{s.number}_activities"] = row.get("total", 0)
        figures[f"stage{s.number}_activities_done"] = row.get("done", 0)
        figures[f"stage{s.number}_activities_started"] = row.get("started", 0)
    return figures


def cached_figures(org: Organization) -> dict[str, int | bool]:
    """`org_figures`, kept in the cache until the organisation's data changes (people.changes)."""
    return cached_for(org, "org_figures", lambda: org_figures(org))


@lru_cache(maxsize=2)
def _figures_queryset(today: date):
    """All organisations with their figures; org_figures picks one.

    Building the forty subqueries costs more than running them, and nothing in them depends on the organisation
    (each is tied to the outer row by OuterRef): the queryset is built once a day per process and each call
    filters a copy of it. It is never evaluated itself.
    """

    org_ref = OuterRef("pk")
    S, M = MenteeEntry.Status, MentorEntry.Status
    active = Mentorship.State.ACTIVE
    mentees = MenteeEntry.objects.filter(organization=org_ref, status__in=MenteeEntry.ACTIVE_STATUSES).annotate(
        has_directions=Exists(MenteeEntry.directions.through.objects.filter(menteeentry_id=OuterRef("pk"))),
        pd=_consent(Purpose.PERSONAL_DATA),
        supported=Exists(SupportRecord.objects.filter(entry_id=OuterRef("pk"))),
        in_approved_pair=Exists(
            Mentorship.objects.filter(state=active, mentees=OuterRef("person_id"), programme__approved_at__isnull=False)
        ),
    )
    mentors = (
        MentorEntry.objects.filter(organization=org_ref, status__in=[M.CANDIDATE, M.SELECTED])
        .with_training()
        .with_capacity_left()
        .annotate(pd=_consent(Purpose.PERSONAL_DATA), duties=_consent(Purpose.DUTIES))
    )
    pairs = Mentorship.objects.filter(organization=org_ref)
    orders = Order.objects.filter(organization=org_ref)
    approved = orders.filter(status=Order.Status.APPROVED)
    # Questionnaires of the last twelve months: the period a programme runs at most.
    since = timezone.make_aware(datetime.combine(today - timedelta(days=SURVEY_PERIOD_DAYS), time.min))
    surveyed = Invitation.objects.filter(round__organization=org_ref, round__launched_at__gte=since)

    overdue_roadmap = RoadmapActivity.objects.overdue(today).filter(
        roadmap_id=current_roadmap_id(OuterRef(OuterRef("pk")), today)
    )
    return Organization.objects.order_by().values(
        regulation_approved=Exists(Regulation.objects.filter(organization=org_ref, status=Regulation.Status.APPROVED)),
        roadmap_approved=Exists(Roadmap.objects.filter(organization=org_ref, status=Roadmap.Status.APPROVED)),
        curators=_count(
            Role.objects.filter(person__organization=org_ref, person__left_on__isnull=True, kind=Role.Kind.CURATOR)
        ),
        curator_order=Exists(approved.filter(kind=OrderKind.CURATOR)),
        templates=_count(org_template_qs(org_ref)),
        mentees=_count(mentees),
        mentees_with_request=_count(mentees.filter(~Q(difficulties="") | Q(has_directions=True))),
        mentees_with_consent=_count(mentees.filter(pd=True)),
        mentees_covered=_count(mentees.filter(Q(status=S.SUPPORTED) | Q(supported=True) | Q(in_approved_pair=True))),
        mentees_waiting=_count(mentees.filter(status__in=MenteeEntry.WITHOUT_MENTOR_STATUSES)),
        mentees_supported=_count(mentees.filter(status=S.SUPPORTED)),
        mentees_finished=_count(MenteeEntry.objects.filter(organization=org_ref, status=S.FINISHED)),
        mentee_requests=_count(MenteeEntry.objects.filter(organization=org_ref, status=S.REQUESTED)),
        mentors=_count(mentors),
        mentors_available=_count(mentors.filter(status=M.SELECTED, capacity_left__gt=0)),
        mentors_untrained=_count(mentors.filter(trained=False)),
        mentors_on_review=_count(mentors.filter(review=MentorEntry.Review.ON_REVIEW)),
        mentors_accepted=_count(mentors.filter(review=MentorEntry.Review.ACCEPTED)),
        mentors_consented=_count(mentors.filter(pd=True, duties=True)),
        mentors_without_duties=_count(mentors.filter(duties=False)),
        mentors_selected=_count(mentors.filter(status=M.SELECTED)),
        mentors_selected_trained=_count(mentors.filter(status=M.SELECTED, trained=True)),
        pairs_draft=_count(pairs.filter(state=Mentorship.State.DRAFT)),
        pairs_proposed=_count(pairs.filter(state=Mentorship.State.PROPOSED)),
        pairs_active=_count(pairs.filter(state=active)),
        pairs_active_approved=_count(pairs.filter(state=active, programme__approved_at__isnull=False)),
        pairs_active_overdue=_count(
            pairs.filter(state=active, programme__in=PlanActivity.objects.overdue(today).values("programme"))
        ),
        pairs_completed=_count(pairs.filter(state=Mentorship.State.COMPLETED)),
        open_requests=_count(ChangeRequest.objects.open().filter(mentorship__organization=org_ref)),
        participants_without_account=_count(participants_without_account(org_ref)),
        # Programmes acknowledged by the mentee, and agreed changes of approved ones, waiting for the approver.
        programmes_to_approve=_count(
            Programme.objects.filter(mentorship__organization=org_ref).filter(
                Q(status=Programme.Status.ACKNOWLEDGED)
                | Q(pk__in=ProgrammeRevision.objects.filter(status=ProgrammeRevision.Status.AGREED).values("programme"))
            )
        ),
        final_event=Exists(approved.filter(kind=OrderKind.FINAL_EVENT)),
        final_events_held=_count(FinalEvent.objects.filter(organization=org_ref, held_on__lte=today)),
        practices=_count(Practice.objects.filter(organization=org_ref)),
        survey_invited=_count(surveyed),
        survey_answered=_count(surveyed.filter(answered_at__isnull=False)),
        orders_returned=_count(orders.filter(status=Order.Status.RETURNED)),
        orders_awaiting=_count(orders.filter(status=Order.Status.SUBMITTED)),
        roadmap_overdue=_count(overdue_roadmap),
        public_page_open=Exists(PublicPage.objects.filter(organization=org_ref, is_enabled=True)),
        items_published=_count(published_news(org_ref))
        + _count(published_results(org_ref))
        + _count(published_practices(org_ref)),
    )


def participants_without_account(org_ref):
    """Working mentors and mentees of active pairs with no account (no address to invite them by): the curator
    asks the administrator to create one."""
    state = Mentorship.State.ACTIVE
    # The active pairs of this organisation only: unscoped, the IN list was every active pair of the region and its
    # cost grew with the number of organisations.
    # Both look-ups sit one level below the people, so the organisation is one OuterRef deeper (the mentees' through
    # table joins its pair instead of nesting the pairs once more, which would point the reference at the person).
    org = OuterRef(org_ref) if isinstance(org_ref, OuterRef) else org_ref
    active = Mentorship.objects.filter(organization=org, state=state)
    mentees = Mentorship.mentees.through.objects.filter(mentorship__organization=org, mentorship__state=state)
    return Person.objects.filter(organization=org_ref, left_on__isnull=True, user__isnull=True).filter(
        Q(pk__in=active.values("mentor")) | Q(pk__in=mentees.values("person"))
    )


def org_template_qs(org_ref):

    return ProgrammeTemplate.objects.filter(organization=org_ref, is_active=True)


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    label: str
    done: bool
    detail: str
    url_name: str = ""
    url: str | None = None  # the page where it is done, resolved for one organisation
    started: bool = False  # work towards it has begun (a bank has entries, a pair works) though it is not done


def org_url(url_name: str, org: Organization) -> str | None:
    """The organisation's page of that name, or None while no such page exists yet."""
    if not url_name:
        return None
    try:
        return reverse(url_name, args=[org.slug])
    except NoReverseMatch:
        return None


@dataclass(slots=True)
class StageProgress:
    number: int
    title: str
    checks: list[Check] = field(default_factory=list)
    # The current roadmap's activities of this stage (cancelled aside): all, done, done or under way.
    roadmap_total: int = 0
    roadmap_done: int = 0
    roadmap_started: int = 0

    @property
    def done_count(self) -> int:
        return sum(c.done for c in self.checks)

    @property
    def state(self) -> str:
        """The one definition of a stage's state, which every page shows.

        Done when every check is done; under way when any check is done or begun, or any of the current roadmap's
        activities of the stage is done or under way (so the dashboard never says «не начат» for a stage the
        roadmap shows in progress); not started otherwise.
        """
        if self.checks and self.done_count == len(self.checks):
            return "done"
        if self.done_count or any(c.started for c in self.checks) or self.roadmap_started:
            return "in_progress"
        return "not_started"

    @property
    def state_label(self) -> str:
        return {"done": "Выполнен", "in_progress": "Выполняется", "not_started": "Не начат"}[self.state]


def _of(part: int, whole: int) -> str:
    return f"{part} из {whole}"


def _all(part: int, whole: int) -> bool:
    return whole > 0 and part == whole


def _yes(flag) -> str:
    return "да" if flag else "нет"


def _share(f: dict, code: str, label: str, part: str, whole: str, url_name: str, started: bool | None = None) -> Check:
    """A check done when every one of `whole` is among `part` (figures of `f`), begun with the first of them."""
    done, detail = _all(f[part], f[whole]), _of(f[part], f[whole])
    return Check(code, label, done, detail, url_name, started=f[part] > 0 if started is None else started)


def stage_checks(f: dict) -> dict[int, list[Check]]:
    curator_detail = (
        f"назначен приказом; кураторов в системе: {f['curators']}"
        if f["curator_order"]
        else f"приказа о назначении нет; кураторов в системе: {f['curators']}"
    )
    return {
        1: [
            Check(
                "regulation_approved",
                "Положение о наставничестве утверждено приказом",
                bool(f["regulation_approved"]),
                _yes(f["regulation_approved"]),
                "roadmap:regulation",
            ),
            Check(
                "roadmap_approved",
                "Дорожная карта утверждена приказом",
                bool(f["roadmap_approved"]),
                _yes(f["roadmap_approved"]),
                "roadmap:roadmaps",
            ),
            Check(
                "curator_appointed",
                "Куратор назначен",
                f["curators"] > 0 and bool(f["curator_order"]),
                curator_detail,
                "roadmap:orders",
            ),
            Check(
                "programme_template_ready",
                "Шаблон персонализированной программы подготовлен",
                f["templates"] > 0,
                f"шаблонов: {f['templates']}",
                "mentoring:programme_templates",
            ),
        ],
        2: [
            _share(
                f,
                "mentees_with_requests",
                "Наставляемые в банке с профессиональными запросами",
                "mentees_with_request",
                "mentees",
                "people:mentee_bank",
            ),
            _share(
                f,
                "mentee_consents",
                "Согласия наставляемых на обработку персональных данных",
                "mentees_with_consent",
                "mentees",
                "people:bank_without_consent",
            ),
        ],
        3: [
            _share(
                f,
                "mentors_with_questionnaires",
                "Анкеты наставников проверены",
                "mentors_accepted",
                "mentors",
                "people:mentor_bank",
            ),
            _share(
                f,
                "mentor_consents",
                "Согласия наставников (персональные данные и обязанности)",
                "mentors_consented",
                "mentors",
                "people:mentor_bank",
            ),
        ],
        4: [
            Check(
                "mentors_selected",
                "Наставники отобраны",
                f["mentors_selected"] > 0,
                _of(f["mentors_selected"], f["mentors"]),
                "people:mentor_bank",
            ),
            _share(
                f,
                "mentors_trained",
                "Отобранные наставники прошли обучение",
                "mentors_selected_trained",
                "mentors_selected",
                "people:training_list",
            ),
        ],
        5: [
            _share(
                f,
                "pairs_active",
                "Пары и группы действуют по утверждённым программам",
                "pairs_active_approved",
                "pairs_active",
                "mentoring:pairs",
                started=f["pairs_active"] > 0 or f["pairs_proposed"] > 0,
            ),
            _share(
                f,
                "waiting_supported",
                "Каждый наставляемый в паре по утверждённой программе или получает сопровождение",
                "mentees_covered",
                "mentees",
                "mentoring:matching",
            ),
        ],
        6: [
            Check(
                "programmes_completed",
                "Программы наставничества завершены",
                f["pairs_completed"] > 0 and f["pairs_active"] == 0,
                f"завершено: {f['pairs_completed']}, действует: {f['pairs_active']}",
                "mentoring:pairs",
                started=f["pairs_completed"] > 0,
            ),
            # Collected: in the last twelve months at least half of those invited answered (and someone did).
            Check(
                "questionnaires_collected",
                "Анкеты участников собраны",
                f["survey_answered"] > 0 and 2 * f["survey_answered"] >= f["survey_invited"],
                f"ответили {f['survey_answered']} из {f['survey_invited']} приглашённых за 12 месяцев"
                if f["survey_invited"]
                else "анкетирование ещё не проводилось",
                "monitoring:survey_rounds",
                started=f["survey_invited"] > 0,
            ),
            # Held: the order on holding it is approved, or the event itself is recorded with a date already past.
            Check(
                "final_event_held",
                "Итоговое мероприятие проведено",
                bool(f["final_event"]) or f["final_events_held"] > 0,
                f"приказ утверждён: {_yes(f['final_event'])}; проведено мероприятий: {f['final_events_held']}",
                "monitoring:final_events",
            ),
            Check(
                "practices_saved",
                "Лучшие практики внесены в методическую копилку",
                f["practices"] > 0,
                f"практик: {f['practices']}",
                "monitoring:practices",
            ),
        ],
        7: [
            Check(
                "items_published",
                "Материалы опубликованы на сайте организации",
                bool(f["public_page_open"]) and f["items_published"] > 0,
                f"опубликовано: {f['items_published']}"
                + ("" if f["public_page_open"] else "; страница на сайте закрыта"),
                "monitoring:publishing",
            )
        ],
    }


def stage_progress(org: Organization, figures: dict | None = None) -> list[StageProgress]:
    """The seven stages with their checks and roadmap tally, from `figures` (or from `org_figures`)."""
    f = figures if figures is not None else org_figures(org)
    checks = stage_checks(f)
    urls = {c.url_name: org_url(c.url_name, org) for stage in checks.values() for c in stage}
    return [
        StageProgress(
            s.number,
            s.title,
            [replace(c, url=urls[c.url_name]) for c in checks[s.number]],
            roadmap_total=f.get(f"stage{s.number}_activities", 0),
            roadmap_done=f.get(f"stage{s.number}_activities_done", 0),
            roadmap_started=f.get(f"stage{s.number}_activities_started", 0),
        )
        for s in STAGES
    ]


def done_codes(progress: list[StageProgress]) -> set[str]:
    return {c.code for s in progress for c in s.checks if c.done}


SYNC_NOTE = "Выполнено: подтверждено данными системы"


def _complete(activities, codes: set[str]) -> int:
    if not codes:
        return 0
    return (
        activities.filter(check_code__in=codes)
        .filter(status__in=[ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS])
        .update(status=ActivityStatus.DONE, done_on=timezone.localdate(), note=SYNC_NOTE)
    )


def sync_roadmap_activities(roadmap: Roadmap, progress: list[StageProgress] | None = None) -> int:
    """Mark DONE the open activities whose check the data shows done; returns how many changed.

    Only planned and in-progress activities move: a status the curator set by hand (done, cancelled) stays,
    and running it again changes nothing.
    """
    codes = done_codes(progress if progress is not None else stage_progress(roadmap.organization))
    changed = _complete(RoadmapActivity.objects.filter(roadmap=roadmap), codes)
    if changed:
        touch(roadmap.organization)
    return changed


def complete_roadmap(org: Organization) -> int:
    """Complete the open activities of the current roadmap whose data check the data now shows done.

    Called after a change the checks read has committed (settings.ORGANIZATION_CHANGED, people.changes), and by
    the weekly reminders: figures computed anew, two queries, and a third (the new data version) when an
    activity changed.
    """
    return sync_current_roadmap(org, stage_progress(org, org_figures(org)))


def sync_current_roadmap(org: Organization, progress: list[StageProgress]) -> int:
    """The same for the organisation's current roadmap, in one UPDATE (for the dashboards)."""
    changed = _complete(RoadmapActivity.objects.filter(roadmap_id=current_roadmap_id(org)), done_codes(progress))
    if changed:
        touch(org)
    return changed
