"""Issue 17, «Done when», as one journey in Chromium: a young teacher answers the staff needs survey, the curator takes
the answer into the mentee bank, the teacher sees the mentors matching proposes and chooses one, the curator forms
the pair, both confirm it, the order is drafted, sent and approved by the head, the teacher comments on the draft
programme and proposes a row, the mentor accepts, the programme is approved, meetings are logged and rated, and a
certificate of participation is issued and downloaded.

Only the organisation and its staff are set up through the ORM (a new teacher with a login and her consents, logins
for the bank's mentors); every step of the journey is done through the pages. Screenshots of every main page, at
1366 and 390 px, go to test-artifacts/journey/.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from mentoring.models import Meeting, MeetingFeedback, Mentorship, PlanActivity, Programme
from monitoring.models import NeedsAnswer
from people.models import MenteeEntry, MentorEntry, Organization, Person, Purpose, Role
from roadmap.models import Certificate, Order
from tests.e2e.conftest import ARTIFACTS, login
from tests.people.bank_fixtures import give_consent

ORG = "ds-solnyshko"
SURVEY = "Затруднения молодых воспитателей — ноябрь"
DIFFICULTY = "Трудно выстроить разговор с родителями, которые не согласны с оценкой развития ребёнка."
ROW = "Наблюдение занятия наставника и разбор его этапов"
PROPOSED = "Совместная подготовка к родительскому собранию"
pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


def give_login(person: Person, username: str) -> None:
    user = get_user_model().objects.create_user(username, password="demo12345", last_name=person.surname)
    Person.objects.filter(pk=person.pk).update(user=user)


def new_teacher() -> Person:
    """A young teacher hired this autumn, with a login and the consents a bank entry needs."""
    org = Organization.objects.get(slug=ORG)
    teacher = Person.objects.create(
        organization=org,
        surname="Ковалёва",
        name="Алина",
        patronymic="Игоревна",
        position="воспитатель",
        experience_years=1,
        hired_on=timezone.localdate() - timedelta(days=80),
    )
    give_login(teacher, "kovaleva")
    # The administrator marks young specialists as mentees when they are hired: staff without any role cannot
    # log into the organisation's pages yet (see the report of this branch).
    Role.objects.create(person=teacher, kind=Role.Kind.MENTEE)
    give_consent(teacher, Purpose.PERSONAL_DATA)
    give_consent(teacher, Purpose.DUTIES)
    return Person.objects.get(pk=teacher.pk)


def mentors_with_logins() -> None:
    """Every mentor of the bank can log in and has the duties consent (whoever the teacher chooses)."""
    for entry in MentorEntry.objects.filter(organization__slug=ORG).in_bank().select_related("person"):
        person = entry.person
        if person.user_id is None:
            give_login(person, f"mentor-{person.pk}")
        if not person.consents.filter(purpose=Purpose.DUTIES, withdrawn_on__isnull=True).exists():
            give_consent(person, Purpose.DUTIES)


def switch(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


@pytest.fixture
def both_widths(page):
    folder = ARTIFACTS / "journey"
    folder.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        for width, height in ((1366, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
            # Nothing on the page may run wider than a phone's screen.
            if width == 390:
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, f"{name}: the page is {overflow}px wider than a 390 px screen"
        page.set_viewport_size({"width": 1366, "height": 900})

    return take


@pytest.fixture
def journey_media(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url


def test_from_the_needs_survey_to_the_certificate(journey_media, demo, live_server, page, both_widths, time_machine):
    teacher = new_teacher()
    mentors_with_logins()
    org_url = f"{live_server.url}/o/{ORG}"
    page.set_viewport_size({"width": 1366, "height": 900})

    # 1. The curator launches the survey of young teachers' difficulties.
    login(page, live_server, "curator")
    page.goto(f"{org_url}/staff-surveys/new/")
    page.get_by_label("Название").fill(SURVEY)
    page.get_by_label("Должность или предмет содержит").fill("воспитатель")
    page.get_by_label("Стаж до, лет").fill("3")
    page.get_by_test_id("needs-launch-submit").click()
    expect(page.get_by_role("heading", name=SURVEY)).to_be_visible()

    # 2. The teacher finds it on her home and answers.
    switch(page, live_server, "kovaleva")
    both_widths("01-teacher-home")
    notice = page.locator(".alert").filter(has_text=SURVEY)
    notice.get_by_role("link", name="Заполнить анкету").click()
    page.get_by_role("link", name=SURVEY).click()
    page.get_by_label("Психолого-педагогическое", exact=True).check()
    page.get_by_label("Опишите затруднения своими словами").fill(DIFFICULTY)
    both_widths("02-needs-answer")
    page.get_by_test_id("needs-submit").click()
    expect(page.get_by_text("Спасибо! Ответ отправлен куратору.")).to_be_visible()

    # 3. The curator accepts it: it is a request in the mentee bank.
    switch(page, live_server, "curator")
    page.goto(f"{org_url}/staff-surveys/")
    page.get_by_role("link", name=SURVEY).click()
    answer = page.get_by_test_id("needs-answer").filter(has_text="Ковалёва")
    expect(answer).to_contain_text(DIFFICULTY)
    both_widths("03-needs-review")
    answer.get_by_test_id("review-accept").click()
    expect(page.get_by_text("принят в банк").first).to_be_visible()
    entry = MenteeEntry.objects.get(person=teacher)
    assert NeedsAnswer.objects.get(survey__title=SURVEY, person=teacher).mentee_entry_id == entry.pk
    page.get_by_text("запрос в банке").first.click()
    expect(page.locator("body")).to_contain_text(DIFFICULTY)
    both_widths("04-bank-request")

    # 4. Matching proposes mentors; the teacher sees their profiles and chooses one (not the first).
    switch(page, live_server, "kovaleva")
    page.get_by_test_id("choose-mentor").click()
    cards = page.get_by_test_id("mentor-card")
    expect(cards.first).to_be_visible()
    assert 2 <= cards.count() <= 3
    expect(cards.first).to_contain_text("Компетенции")
    both_widths("05-choose-mentor")
    chosen_card = cards.nth(1)
    chosen_name = chosen_card.locator("h2").inner_text()
    chosen_card.get_by_test_id("prefer").click()
    expect(page.get_by_test_id("preferred")).to_contain_text("Ваш выбор")
    entry.refresh_from_db()
    mentor = entry.preferred_mentor
    assert mentor is not None and mentor.full_name == chosen_name

    # 5. The curator sees the choice first in the ranked list and forms the pair.
    switch(page, live_server, "curator")
    page.goto(f"{org_url}/matching/")
    page.get_by_test_id("waiting-table").get_by_role("row").filter(has_text="Ковалёва").get_by_role(
        "link", name="Подобрать наставника"
    ).click()
    first = page.get_by_test_id("ranked-row").first
    expect(first).to_contain_text(mentor.short_name)
    expect(first).to_contain_text("наставляемый выбрал сам")
    both_widths("06-matching-mentee")
    value = page.locator("#id_mentor option", has_text=mentor.short_name).first.get_attribute("value")
    page.locator("#id_mentor").select_option(value=value)
    page.get_by_test_id("manual-choose").click()
    expect(page.get_by_text("Создан черновик пары")).to_be_visible()
    pair = Mentorship.objects.get(mentor=mentor, mentees=teacher, state=Mentorship.State.DRAFT)

    # 6. Both confirm on the pair's page: the teacher, then the mentor.
    switch(page, live_server, "kovaleva")
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    expect(page.get_by_test_id("sides")).to_contain_text(mentor.short_name)
    expect(page.get_by_test_id("sides")).to_contain_text(DIFFICULTY[:40])
    both_widths("07-pair-consent-mentee")
    page.get_by_test_id("confirm-pair").click()
    expect(page.get_by_text("Вы подтвердили участие")).to_be_visible()
    mentor.refresh_from_db()
    switch(page, live_server, mentor.user.username)
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    page.get_by_test_id("confirm-pair").click()
    expect(page.get_by_test_id("consent-state")).to_have_text("Подтверждена участниками")

    # 7. The curator drafts the order from the pair, gives the deadline for the programme and sends it.
    switch(page, live_server, "curator")
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    page.get_by_test_id("order-from-pair").click()
    expect(page.get_by_role("heading", name="Проект приказа")).to_be_visible()
    expect(page.get_by_test_id("order-text")).to_contain_text(teacher.full_name)
    order = pair.orders.get()
    if page.get_by_test_id("missing").count():
        page.get_by_test_id("order-edit").click()
        due = order.starts_on + timedelta(days=30)
        page.get_by_label("Срок исполнения").fill(f"{due:%Y-%m-%d}")
        page.get_by_test_id("save").click()
        expect(page.get_by_test_id("missing")).to_have_count(0)
    both_widths("08-order-draft")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("order-status")).to_have_text("На утверждении")

    # 8. The head approves it from the inbox.
    switch(page, live_server, "head")
    page.goto(f"{org_url}/orders/inbox/")
    ours = page.get_by_test_id("inbox-order").filter(has_text=teacher.full_name)
    both_widths("09-head-inbox")
    ours.get_by_test_id("approve").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Утверждён")
    order.refresh_from_db()
    pair.refresh_from_db()
    assert order.status == Order.Status.APPROVED and pair.state == Mentorship.State.ACTIVE

    # 9. The mentor drafts the programme.
    switch(page, live_server, mentor.user.username)
    programme_url = f"{org_url}/pairs/{pair.pk}/programme/"
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    page.goto(programme_url)
    today = timezone.localdate()
    page.get_by_label("С чистого листа").check()
    page.get_by_label("Начало").fill(today.isoformat())
    page.get_by_label("Окончание").fill((today + timedelta(days=180)).isoformat())
    page.get_by_role("button", name="Составить программу").click()
    page.get_by_label("Название").fill("Первый год воспитателя: общение с семьями")
    page.get_by_label("Описание проблемы").fill(DIFFICULTY)
    page.get_by_label("Цель").fill("Научиться спокойно и доказательно говорить с родителями о развитии ребёнка.")
    page.get_by_label("Задачи").fill("Освоить приёмы беседы; подготовить и провести родительское собрание.")
    page.get_by_label("Содержание деятельности").fill("Наблюдение занятий, консультации, разбор бесед.")
    page.get_by_label("Планируемые результаты").fill("Воспитатель уверенно ведёт беседы и собрания.")
    page.get_by_label("Расписание встреч").fill("Еженедельно по четвергам в 14:00")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Пояснительная записка сохранена.")).to_be_visible()
    page.goto(programme_url)
    page.get_by_test_id("add-row").click()
    form = page.get_by_test_id("plan-row-form").last
    form.get_by_label("Мероприятие").fill(ROW)
    form.get_by_label("Срок").fill((today + timedelta(days=14)).isoformat())
    form.get_by_label("Ожидаемый результат").fill("Знает этапы занятия и их смысл")
    form.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("plan-row").filter(has_text=ROW)).to_be_visible()
    both_widths("10-programme-draft-mentor")
    programme = Programme.objects.get(mentorship=pair)

    # 10. The teacher comments on the row and proposes a row of her own.
    switch(page, live_server, "kovaleva")
    page.goto(programme_url)
    thread = page.get_by_test_id("row-thread").first
    thread.locator("summary").click()
    thread.get_by_label("Замечание к мероприятию").fill("Можно ли после наблюдения разобрать и моё занятие?")
    thread.get_by_test_id("send-remark").click()
    expect(page.get_by_text("Замечание передано наставнику")).to_be_visible()
    page.get_by_test_id("proposals").locator("summary", has_text="Предложить мероприятие").click()
    form = page.get_by_test_id("proposal-form")
    form.get_by_label("Какое мероприятие добавить").fill(PROPOSED)
    form.get_by_label("Форма (необязательно)").fill("Консультация")
    form.get_by_label("К какому сроку").fill((today + timedelta(days=60)).isoformat())
    form.get_by_label("Зачем оно нужно").fill("Первое собрание в группе — в январе, хочу подготовиться.")
    form.get_by_test_id("send-proposal").click()
    expect(page.get_by_text("Предложение передано наставнику")).to_be_visible()
    both_widths("11-programme-remarks-mentee")

    # 11. The mentor accepts the proposal and sends the programme; the teacher acknowledges; the curator approves.
    switch(page, live_server, mentor.user.username)
    page.goto(programme_url)
    proposal = page.get_by_test_id("remark").filter(has_text=PROPOSED)
    proposal.get_by_label("Ответ (необязательно, если учитываете)").fill("Согласна, добавила в план.")
    proposal.get_by_test_id("accept-remark").click()
    expect(page.get_by_text("Мероприятие добавлено в план")).to_be_visible()
    expect(page.get_by_test_id("plan")).to_contain_text(PROPOSED)
    both_widths("12-programme-mentor-accepted")
    assert programme.activities.filter(activity=PROPOSED).exists()
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("chain-state")).to_have_text("На ознакомлении у наставляемого")
    switch(page, live_server, "kovaleva")
    page.goto(programme_url)
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("chain-state")).to_have_text("Ждёт утверждения")
    switch(page, live_server, "curator")
    page.goto(programme_url)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("chain-state")).to_have_text("Утверждена")
    both_widths("13-programme-approved")

    # 12. A week after the pair starts work, the mentor logs a meeting closing the row; the teacher rates it.
    pair.refresh_from_db()
    time_machine.move_to(f"{pair.started_on + timedelta(days=7):%Y-%m-%d} 15:00 +03:00", tick=True)
    switch(page, live_server, mentor.user.username)
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    page.get_by_test_id("meeting-log").get_by_test_id("meeting-new").click()
    form = page.get_by_test_id("meeting-form")
    form.get_by_label("Тема").fill("Наблюдение занятия по развитию речи")
    form.get_by_label("Формат").select_option(label="Наблюдение урока (занятия)")
    form.get_by_label("Что сделано на встрече").fill("Алина Игоревна посетила занятие, разобрали его этапы.")
    form.get_by_label("О чём договорились (следующие шаги)").fill("Составить план беседы с родителями Саши.")
    form.get_by_label(ROW, exact=False).first.check()
    both_widths("14-meeting-form")
    form.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("alert").filter(has_text="записана в журнал")).to_be_visible()
    assert PlanActivity.objects.get(programme=programme, activity=ROW).status == PlanActivity.Status.DONE

    switch(page, live_server, "kovaleva")
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    page.get_by_test_id("meeting").first.get_by_test_id("feedback-link").click()
    feedback = page.get_by_test_id("feedback-form")
    feedback.get_by_label("5 — очень полезная встреча").check()
    feedback.get_by_label("Комментарий").fill("Теперь понимаю, как строить занятие по этапам.")
    feedback.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("meeting").first.get_by_test_id("feedback")).to_contain_text("★ 5 из 5")
    both_widths("15-pair-meetings-mentee")
    assert Meeting.objects.filter(mentorship=pair).count() == 1
    assert MeetingFeedback.objects.get(meeting__mentorship=pair).rating == 5

    # 13. The curator issues the certificate of participation from the teacher's card and downloads it.
    switch(page, live_server, "curator")
    page.goto(f"{org_url}/staff/{teacher.pk}/")
    both_widths("16-teacher-card")
    page.get_by_test_id("person-certificates").click()
    page.get_by_test_id("issue-form").locator("input[name=ground]").first.check()
    page.get_by_test_id("issue").click()
    expect(page.get_by_text("Зарегистрирован документ №")).to_be_visible()
    both_widths("17-certificates-teacher")
    with page.expect_download() as download:
        page.get_by_test_id("certificate-pdf").first.click()
    data = download.value.path().read_bytes()
    (ARTIFACTS / "journey" / "certificate.pdf").write_bytes(data)
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Ковалёв" in text and "Алин" in text
    assert "Первый год воспитателя: общение с семьями" in text
    assert mentor.surname[:4] in text
    certificate = Certificate.objects.get(person=teacher)
    assert certificate.mentorship_id == pair.pk and certificate.role == Certificate.Role.MENTEE

    # 14. The report and the municipal view count the meeting and the certificate.
    page.goto(f"{org_url}/reports/")
    expect(page.get_by_test_id("section-meetings")).to_contain_text("без встреч")
    expect(page.get_by_test_id("section-certificates")).to_contain_text("Справки об участии")
    both_widths("18-report-meetings")
    switch(page, live_server, "municipal")
    row = page.locator(f'[data-testid=everyday-row][data-org="{ORG}"]')
    expect(row).to_be_visible()
    figures = {key: row.locator(f'[data-key="{key}"]').inner_text() for key in ("meetings", "participation")}
    assert int(figures["meetings"]) >= 1 and int(figures["participation"]) >= 1
    page.get_by_test_id("everyday").scroll_into_view_if_needed()
    both_widths("19-municipal-meetings")
    # At 1366 px the table fits without scrolling (at 390 px it scrolls inside its card, the page itself does not).
    table = page.get_by_test_id("everyday-table")
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
