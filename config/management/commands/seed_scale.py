"""``manage.py seed_scale --orgs 200``: a municipality at full size for benchmarks and load runs.

Per organisation: 100 staff (head, curator, administrator, 15 mentors, 30 mentees, the rest without a role),
the reference lists and consent texts, personal-data and duties consents, both banks, 25 pairs and groups in
every state with a personalised programme of 20 plan rows each, approved and pending orders, a roadmap and
questionnaire answers for the ended programmes; every 10th organisation has its public page open. 200 organisations
give 20,000 staff, 5,000 pairs and groups and 100,000 plan rows. Everything is written with bulk inserts, one
organisation batch at a time.

Every 200 organisations make a municipality (``scale-okrug``, ``scale-okrug-2``, …): ``--orgs 2000`` is a region
of ten, with 200,000 staff, 50,000 pairs and groups and 1,000,000 plan rows.

Logins for benchmarks: ``s<N>-head``, ``s<N>-curator``, ``s<N>-admin``, ``s<N>-mentor``, ``s<N>-mentee`` for
organisation N, and ``scale-municipal`` (``scale-municipal-2``, …) for the municipalities, all with the password
given by --password.
"""

from __future__ import annotations

import functools
import hashlib
import random
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from config.setup import set_up_organization
from core.pdf import pdf_bytes
from core.text import name_key
from mentoring.models import Mentorship, PlanActivity, Programme, recount_places
from monitoring.models import Answer, Invitation, PublicPage, Question, QuestionSet, Response, SurveyRound
from people.consents import current_texts
from people.models import (
    Consent,
    Direction,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    MentoringForm,
    MentoringKind,
    Municipality,
    Organization,
    Person,
    Purpose,
    Role,
)
from roadmap.models import Order, OrderKind, Roadmap
from roadmap.roadmaps import create_from_model, next_period

STAFF_PER_ORG = 100
MENTORS_PER_ORG = 15
MENTEES_PER_ORG = 30
PAIRS_PER_ORG = 20
GROUPS_PER_ORG = 5
ROWS_PER_PROGRAMME = 20
BATCH = 2000
ANALYZE_EVERY = 200  # organisations between two ANALYZE runs on PostgreSQL
MUNICIPALITY_SIZE = 200  # organisations of one municipality; more organisations make a region of several
PUBLIC_EVERY = 10  # organisations scale-10, scale-20, … have their public page open

SURNAMES = [
    ("Иванов", "Иванова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"), ("Попов", "Попова"),
    ("Васильев", "Васильева"), ("Петров", "Петрова"), ("Соколов", "Соколова"), ("Михайлов", "Михайлова"),
    ("Новиков", "Новикова"), ("Фёдоров", "Фёдорова"), ("Морозов", "Морозова"), ("Волков", "Волкова"),
    ("Алексеев", "Алексеева"), ("Лебедев", "Лебедева"), ("Семёнов", "Семёнова"), ("Егоров", "Егорова"),
    ("Павлов", "Павлова"), ("Козлов", "Козлова"), ("Степанов", "Степанова"), ("Николаев", "Николаева"),
    ("Орлов", "Орлова"), ("Андреев", "Андреева"), ("Макаров", "Макарова"), ("Никитин", "Никитина"),
    ("Захаров", "Захарова"), ("Зайцев", "Зайцева"), ("Соловьёв", "Соловьёва"), ("Борисов", "Борисова"),
]  # fmt: skip
NAMES = [
    ("Александр", "Анна"), ("Сергей", "Елена"), ("Дмитрий", "Ольга"), ("Андрей", "Наталья"),
    ("Алексей", "Татьяна"), ("Михаил", "Ирина"), ("Игорь", "Светлана"), ("Николай", "Мария"),
    ("Владимир", "Юлия"), ("Павел", "Екатерина"), ("Артём", "Марина"), ("Илья", "Галина"),
]  # fmt: skip
PATRONYMICS = [
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Викторович", "Викторовна"),
    ("Петрович", "Петровна"), ("Иванович", "Ивановна"), ("Николаевич", "Николаевна"),
    ("Михайлович", "Михайловна"), ("Андреевич", "Андреевна"),
]  # fmt: skip
POSITIONS = [
    "учитель начальных классов", "учитель математики", "учитель русского языка и литературы",
    "учитель истории", "учитель физики", "учитель английского языка", "воспитатель", "педагог-психолог",
    "учитель-логопед", "педагог дополнительного образования", "музыкальный руководитель", "учитель биологии",
]  # fmt: skip
ACTIVITIES = [
    "Посещение уроков наставника и разбор увиденного",
    "Совместная разработка технологической карты урока",
    "Консультация по ведению электронного журнала",
    "Анализ открытого урока наставляемого",
    "Подбор диагностических материалов для класса",
    "Подготовка выступления на методическом объединении",
    "Разбор трудной ситуации общения с родителями",
    "Работа с нормативными документами по ФГОС",
]


def _person(rng: random.Random, org_id: int, index: int, today: date) -> Person:
    female = rng.random() < 0.8
    sex = 1 if female else 0
    surname = rng.choice(SURNAMES)[sex]
    name = rng.choice(NAMES)[sex]
    patronymic = rng.choice(PATRONYMICS)[sex]
    experience = rng.choice([0, 1, 1, 2, 3, 5, 8, 12, 17, 25, 31])
    return Person(
        organization_id=org_id,
        surname=surname,
        name=name,
        patronymic=patronymic,
        name_key=name_key(f"{surname} {name} {patronymic}"),
        position=rng.choice(POSITIONS),
        qualification_category=rng.choice([c for c, _ in Person.Category.choices]),
        experience_years=experience,
        email=f"staff{org_id}-{index}@scale.example",
        hired_on=today - timedelta(days=365 * experience + rng.randint(0, 300)),
    )


class Command(BaseCommand):
    help = "Наполняет базу данными муниципалитета для замеров скорости (по умолчанию 200 организаций)."

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=200, help="сколько организаций создать")
        parser.add_argument("--password", default="scale12345", help="пароль учётных записей s<N>-<роль>")
        parser.add_argument("--seed", type=int, default=7, help="зерно генератора случайных чисел")

    def handle(self, *args, orgs: int, password: str, seed: int, **options):
        if orgs < 1:
            raise CommandError("--orgs: нужно хотя бы одна организация.")
        if Organization.objects.filter(slug__startswith="scale-").exists():
            raise CommandError("Данные масштаба уже есть (организации scale-…). Начните с пустой базы.")
        started = time.monotonic()
        rng = random.Random(seed)
        self.today = timezone.localdate()
        self.password_hash = make_password(password)
        self.pdf_name, self.pdf_sha = self._shared_order_pdf()
        for first in range(1, orgs + 1, 20):
            numbers = range(first, min(first + 20, orgs + 1))
            with transaction.atomic():
                for n in numbers:
                    self._organization(rng, n, self._municipality(1 + (n - 1) // MUNICIPALITY_SIZE))
            elapsed = time.monotonic() - started
            left = elapsed / numbers[-1] * (orgs - numbers[-1])
            self.stdout.write(f"  организаций: {numbers[-1]} из {orgs} ({elapsed:.0f} с, осталось около {left:.0f} с)")
            if numbers[-1] % ANALYZE_EVERY == 0:
                self._analyze()  # each organisation's set-up reads tables that grow: plans for their size, not empty
        self._analyze()
        self.stdout.write(
            f"Готово за {time.monotonic() - started:.0f} с: организаций {Organization.objects.count()}, "
            f"работников {Person.objects.count()}, пар и групп {Mentorship.objects.count()}, "
            f"строк планов {PlanActivity.objects.count()}, приказов {Order.objects.count()}, "
            f"ответов на анкеты {Response.objects.count()}."
        )

    def _analyze(self) -> None:
        """Statistics for the planner. Bulk inserts leave it without them until autovacuum comes round; a working
        database has them. Without this, a benchmark measures plans made for empty tables — and the set-up of
        every later organisation here slows down as the tables grow under plans made for a few rows."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    # --- shared pieces -----------------------------------------------------------------------------------------

    def _shared_order_pdf(self) -> tuple[str, str]:
        """One stored PDF that every approved order of the scale data points to (their text is not benchmarked)."""

        content = pdf_bytes("documents/base.html", {"title": "Приказ"})
        name = default_storage.save("orders/scale/approved.pdf", ContentFile(content))
        return name, hashlib.sha256(content).hexdigest()

    @functools.cache  # noqa: B019 — one command run, a handful of municipalities
    def _municipality(self, number: int) -> Municipality:
        """The municipality of the number-th two hundred organisations: a region is several of them.

        The first is ``scale-okrug`` with the coordinator ``scale-municipal``; the next ``scale-okrug-2`` with
        ``scale-municipal-2`` and so on.
        """
        User = get_user_model()
        suffix = "" if number == 1 else f"-{number}"
        user, _ = User.objects.get_or_create(
            username=f"scale-municipal{suffix}", defaults={"password": self.password_hash}
        )
        name = "Масштабный городской округ" + ("" if number == 1 else f" № {number}")
        municipality, _ = Municipality.objects.get_or_create(
            slug=f"scale-okrug{suffix}", defaults={"name": name, "coordinator": user, "region": "Масштабная область"}
        )
        return municipality

    # --- one organisation ----------------------------------------------------------------------------------------

    def _organization(self, rng: random.Random, n: int, municipality: Municipality) -> None:
        today = self.today
        kind = Organization.Kind.SCHOOL if n % 3 else Organization.Kind.KINDERGARTEN
        org = Organization.objects.create(
            slug=f"scale-{n}",
            full_name=f"Муниципальное бюджетное образовательное учреждение № {n}",
            short_name=f"МБОУ № {n}",
            kind=kind,
            municipality=municipality.name,
            municipal_unit=municipality,
            city="г. Масштабный",
        )
        set_up_organization(org)
        texts = current_texts(org)
        forms = list(MentoringForm.objects.filter(organization=org))
        kinds = list(MentoringKind.objects.filter(organization=org))
        directions = list(Direction.objects.filter(organization=org))
        categories = list(MenteeCategory.objects.filter(organization=org))

        people = Person.objects.bulk_create([_person(rng, org.pk, i, today) for i in range(STAFF_PER_ORG)])
        head, curator, admin = people[0], people[1], people[2]
        mentors = people[3 : 3 + MENTORS_PER_ORG]
        mentees = people[3 + MENTORS_PER_ORG : 3 + MENTORS_PER_ORG + MENTEES_PER_ORG]
        for p in mentees:
            p.experience_years = rng.choice([0, 1, 2])
        Person.objects.bulk_update(mentees, ["experience_years"])

        roles = [Role(person=head, kind=Role.Kind.HEAD), Role(person=curator, kind=Role.Kind.CURATOR)]
        roles += [Role(person=admin, kind=Role.Kind.ADMIN)]
        roles += [Role(person=p, kind=Role.Kind.MENTOR) for p in mentors]
        roles += [Role(person=p, kind=Role.Kind.MENTEE) for p in mentees]
        Role.objects.bulk_create(roles)
        self._logins(n, {"head": head, "curator": curator, "admin": admin, "mentor": mentors[0], "mentee": mentees[0]})

        given = today - timedelta(days=200)
        consents = [
            Consent(organization=org, person=p, purpose=purpose, text=texts[purpose], given_on=given)
            for p in [*mentors, *mentees]
            for purpose in (Purpose.PERSONAL_DATA, Purpose.DUTIES)
        ]
        consents += [
            Consent(
                organization=org, person=p, purpose=Purpose.PUBLICATION, text=texts[Purpose.PUBLICATION], given_on=given
            )
            for p in mentors[:5]
        ]
        Consent.objects.bulk_create(consents)

        mentor_entries = MentorEntry.objects.bulk_create(
            [
                MentorEntry(
                    organization=org,
                    person=p,
                    capacity=3,
                    status=MentorEntry.Status.SELECTED if i < 12 else MentorEntry.Status.CANDIDATE,
                    motivation="Хочу помочь молодым коллегам войти в профессию.",
                )
                for i, p in enumerate(mentors)
            ]
        )
        MentorEntry.competencies.through.objects.bulk_create(
            [
                MentorEntry.competencies.through(mentorentry_id=e.pk, direction_id=d.pk)
                for e in mentor_entries
                for d in rng.sample(directions, 3)
            ]
        )
        mentee_entries = MenteeEntry.objects.bulk_create(
            [
                MenteeEntry(
                    organization=org,
                    person=p,
                    category=categories[0] if i % 3 else rng.choice(categories),
                    difficulties="Трудности с дисциплиной на уроке и с планированием.",
                    status=MenteeEntry.Status.IN_PAIR if i < 28 else MenteeEntry.Status.WAITING,
                )
                for i, p in enumerate(mentees)
            ]
        )
        MenteeEntry.directions.through.objects.bulk_create(
            [
                MenteeEntry.directions.through(menteeentry_id=e.pk, direction_id=rng.choice(directions).pk)
                for e in mentee_entries
            ]
        )
        self._pairs(rng, org, mentors, mentees, forms, kinds, directions)
        self._orders(org, n, head)
        create_from_model(org, *next_period(org))  # the academic year under way (from January to August too)
        Roadmap.objects.filter(organization=org).update(status=Roadmap.Status.APPROVED)
        if n % PUBLIC_EVERY == 0:  # some public pages open, for anonymous visitors in the load run
            PublicPage.objects.create(organization=org, is_enabled=True, intro="Наставничество в нашей организации")

    def _logins(self, n: int, holders: dict[str, Person]) -> None:
        User = get_user_model()
        users = User.objects.bulk_create(
            [User(username=f"s{n}-{role}", password=self.password_hash) for role in holders]
        )
        for user, person in zip(users, holders.values(), strict=True):
            person.user = user
        Person.objects.bulk_update(list(holders.values()), ["user"])

    def _pairs(self, rng, org, mentors, mentees, forms, kinds, directions) -> None:
        today = self.today
        S = Mentorship.State
        states = [S.ACTIVE] * 14 + [S.COMPLETED] * 5 + [S.ENDED_EARLY] + [S.DRAFT] * 3 + [S.PROPOSED] * 2
        specs = []
        mentee_iter = iter(mentees)
        for i in range(PAIRS_PER_ORG + GROUPS_PER_ORG):
            size = 1 if i < PAIRS_PER_ORG else 2
            group = [next(mentee_iter, None) for _ in range(size)]
            group = [p for p in group if p is not None] or [mentees[i % len(mentees)]]
            specs.append((mentors[i % 12], group, states[i % len(states)]))
        mentorships = []
        for i, (mentor, _group, state) in enumerate(specs):
            start = today - timedelta(days=rng.randint(60, 300))
            ended = state in (S.COMPLETED, S.ENDED_EARLY)
            mentorships.append(
                Mentorship(
                    organization=org,
                    mentor=mentor,
                    form=forms[i % len(forms)],
                    planned_start=start,
                    planned_end=start + timedelta(days=270),
                    state=state,
                    started_on=start if state in (S.ACTIVE, S.COMPLETED, S.ENDED_EARLY) else None,
                    ended_on=today - timedelta(days=rng.randint(5, 40)) if ended else None,
                    end_reason=Mentorship.EndReason.MUTUAL if state == S.ENDED_EARLY else "",
                    match_score=rng.randint(40, 95),
                )
            )
        mentorships = Mentorship.objects.bulk_create(mentorships)
        Mentorship.mentees.through.objects.bulk_create(
            [
                Mentorship.mentees.through(mentorship_id=m.pk, person_id=p.pk)
                for m, (_, group, _) in zip(mentorships, specs, strict=True)
                for p in group
            ]
        )
        Mentorship.kinds.through.objects.bulk_create(
            [Mentorship.kinds.through(mentorship_id=m.pk, mentoringkind_id=rng.choice(kinds).pk) for m in mentorships]
        )
        recount_places(organization=org)  # bulk_create bypasses the model: count the mentors' places once
        now = timezone.now()
        programmes = Programme.objects.bulk_create(
            [
                Programme(
                    mentorship=m,
                    title=f"Программа наставничества № {m.pk}",
                    problem="Затруднения в организации урока и в общении с родителями.",
                    goals="Помочь наставляемому уверенно вести уроки.",
                    start=m.planned_start,
                    end=m.planned_end,
                    status=_programme_status(m.state),
                    sent_at=now if m.state != S.DRAFT else None,
                    acknowledged_at=now if m.state != S.DRAFT else None,
                    approved_at=now if m.state in (S.ACTIVE, S.COMPLETED, S.ENDED_EARLY) else None,
                )
                for m in mentorships
            ]
        )
        rows = []
        for programme, m in zip(programmes, mentorships, strict=True):
            for r in range(ROWS_PER_PROGRAMME):
                deadline = programme.start + timedelta(days=13 * (r + 1))
                done = m.state in (S.COMPLETED,) or (deadline < today and rng.random() < 0.85)
                rows.append(
                    PlanActivity(
                        programme=programme,
                        position=r + 1,
                        direction=directions[r % len(directions)],
                        activity=ACTIVITIES[r % len(ACTIVITIES)],
                        form="консультация",
                        deadline=deadline,
                        expected_result="Наставляемый применяет разобранные приёмы.",
                        status=PlanActivity.Status.DONE if done else PlanActivity.Status.PLANNED,
                        done_on=min(deadline + timedelta(days=rng.choice([-3, 0, 2, 9])), today) if done else None,
                    )
                )
        PlanActivity.objects.bulk_create(rows, batch_size=BATCH)
        ended = [
            (p, m) for p, m in zip(programmes, mentorships, strict=True) if m.state in (S.COMPLETED, S.ENDED_EARLY)
        ]
        self._answers(rng, org, ended, specs, mentorships)

    def _answers(self, rng, org, ended, specs, mentorships) -> None:
        """A satisfaction round for the ended programmes, answered by every participant."""
        if not ended:
            return
        qset = QuestionSet.objects.create(
            organization=org, title="Удовлетворённость программой", purpose=QuestionSet.Purpose.SATISFACTION
        )
        questions = Question.objects.bulk_create(
            [
                Question(question_set=qset, position=i, text=text, scale_min=1, scale_max=10)
                for i, text in enumerate(["Насколько полезной была программа?", "Насколько удобным был график встреч?"])
            ]
        )
        round_ = SurveyRound.objects.create(
            organization=org,
            question_set=qset,
            title="Итоговое анкетирование",
            deadline=self.today - timedelta(days=1),
            status=SurveyRound.Status.CLOSED,
        )
        round_.programmes.set([p for p, _ in ended])
        groups = {m.pk: group for m, (_, group, _) in zip(mentorships, specs, strict=True)}
        now = timezone.now()
        invitations = []
        for programme, m in ended:
            invitations.append(
                Invitation(round=round_, person=m.mentor, programme=programme, role="mentor", answered_at=now)
            )
            invitations += [
                Invitation(round=round_, person=p, programme=programme, role="mentee", answered_at=now)
                for p in groups[m.pk]
            ]
        invitations = Invitation.objects.bulk_create(invitations)
        responses = Response.objects.bulk_create([Response(invitation=i) for i in invitations])
        Answer.objects.bulk_create(
            [Answer(response=r, question=q, number=rng.randint(6, 10)) for r in responses for q in questions]
        )

    def _orders(self, org, n: int, head: Person) -> None:
        today = self.today
        approved = [
            (OrderKind.REGULATION, "Об утверждении положения о системе наставничества и дорожной карты"),
            (OrderKind.CURATOR, "О назначении куратора"),
            (OrderKind.PAIRS, "О закреплении наставнических пар (групп)"),
        ]
        orders = [
            Order(
                organization=org,
                kind=kind,
                status=Order.Status.APPROVED,
                heading=heading,
                preamble="В соответствии с положением о системе наставничества",
                items=["Утвердить прилагаемые документы."],
                year=today.year,
                number=i + 1,
                reg_number=f"{i + 1}-од",
                date=today - timedelta(days=120 - 10 * i),
                signer_position="Директор",
                signer_name=head.short_name,
                pdf=self.pdf_name,
                pdf_sha256=self.pdf_sha,
            )
            for i, (kind, heading) in enumerate(approved)
        ]
        orders.append(
            Order(
                organization=org,
                kind=OrderKind.PAIRS,
                status=Order.Status.SUBMITTED,
                heading="О закреплении наставнических пар (групп)",
                preamble="В соответствии с положением о системе наставничества",
                items=["Закрепить наставнические пары согласно приложению."],
            )
        )
        Order.objects.bulk_create(orders)


def _programme_status(state: str) -> str:
    """Where a generated programme stands: approved once its pair works, acknowledged while it is in an order."""
    S = Mentorship.State
    if state in (S.ACTIVE, S.COMPLETED, S.ENDED_EARLY):
        return Programme.Status.APPROVED
    return Programme.Status.ACKNOWLEDGED if state != S.DRAFT else Programme.Status.DRAFT
