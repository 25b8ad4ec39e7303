"""Questionnaires: default sets, launching a round (invitations, e-mails), answering once, who may see what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Answer, Invitation, Question, QuestionSet, Response, SurveyRound
from monitoring.questionnaires import ensure_question_sets
from tests.monitoring.questionnaire_fixtures import active_programme, launch, questions_of, small_set, valid_answers

A = QuestionSet.Audience


def url(name: str, org, *args) -> str:
    return reverse(f"monitoring:{name}", args=[org.slug, *args])


# --- default sets ---------------------------------------------------------------------------------------------


def test_default_sets_are_installed_once_with_the_promised_scales_and_domains(bare_org):
    assert ensure_question_sets(bare_org) == 3
    assert ensure_question_sets(bare_org) == 0
    sets = {s.code: s for s in QuestionSet.objects.filter(organization=bare_org)}
    assert set(sets) == {"mentee-satisfaction", "mentor-satisfaction", "growth-self-assessment"}
    assert sets["mentee-satisfaction"].audience == A.MENTEE and sets["mentor-satisfaction"].audience == A.MENTOR
    for code in ("mentee-satisfaction", "mentor-satisfaction"):
        qs = list(sets[code].questions.all())
        scales = [q for q in qs if q.kind == Question.Kind.SCALE]
        assert len(scales) >= 5 and all((q.scale_min, q.scale_max) == (1, 10) for q in scales)
        assert any(q.kind == Question.Kind.CHOICE for q in qs) and any(q.kind == Question.Kind.TEXT for q in qs)
    growth = list(sets["growth-self-assessment"].questions.all())
    for domain in ("motivational", "competence", "professional"):
        tagged = [q for q in growth if q.domain == domain]
        assert len(tagged) >= 3 and all((q.scale_min, q.scale_max) == (1, 5) for q in tagged)
    for q in growth:  # the model's own rules hold for every default question
        q.full_clean()


def test_a_changed_default_set_is_left_alone(org):
    ensure_question_sets(org)
    growth = QuestionSet.objects.get(organization=org, code="growth-self-assessment")
    growth.title = "Наша самооценка"
    growth.save()
    ensure_question_sets(org)
    assert QuestionSet.objects.get(pk=growth.pk).title == "Наша самооценка"
    assert QuestionSet.objects.filter(organization=org).count() == 3


def test_the_curator_sees_the_default_sets_the_organisation_was_set_up_with(org, curator):
    response = curator.client.get(url("question_sets", org))
    assert response.status_code == 200
    assert "Самооценка профессионального роста" in response.content.decode()
    assert QuestionSet.objects.filter(organization=org).count() == 3


def test_an_organisation_without_sets_gets_an_empty_page_and_nothing_installed(bare_org, persona):
    curator = persona(bare_org, "curator")
    response = curator.client.get(url("question_sets", bare_org))
    assert response.status_code == 200
    assert "Анкет пока нет" in response.text
    assert curator.client.get(url("round_launch", bare_org)).status_code == 200
    assert not QuestionSet.objects.filter(organization=bare_org).exists()


# --- launching --------------------------------------------------------------------------------------------------


@pytest.fixture
def pair_and_group(org, mentor, mentee, persona):
    """A pair (mentor → mentee) and a group of another mentor with two mentees; both active, with programmes."""
    mentor2 = persona(org, "mentor", surname="Яковлева", name="Татьяна")
    g1 = persona(org, "mentee", surname="Карпова", name="Валерия")
    g2 = persona(org, "mentee", surname="Осипова", name="Наталья")
    return active_programme(mentor.person, mentee.person), active_programme(mentor2.person, g1.person, g2.person)


def launch_post(org, qset, programmes, **extra) -> dict:
    return {
        "question_set": qset.pk,
        "moment": SurveyRound.Moment.ONCE,
        "audience": qset.audience,
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "anonymous": "on",
        "programmes": [p.pk for p in programmes],
        **extra,
    }


@pytest.mark.parametrize(("audience", "mentors", "mentees"), [(A.BOTH, 2, 3), (A.MENTEE, 0, 3), (A.MENTOR, 2, 0)])
def test_launching_invites_every_mentor_and_mentee_of_the_chosen_programmes(
    org, curator, pair_and_group, audience, mentors, mentees, django_capture_on_commit_callbacks
):
    qset = small_set(org)
    with django_capture_on_commit_callbacks(execute=True):  # the letters are queued once the launch commits
        response = curator.client.post(
            url("round_launch", org), launch_post(org, qset, pair_and_group, audience=audience)
        )
    survey = SurveyRound.objects.get(organization=org)
    assert response.status_code == 302 and response.url == url("survey_round", org, survey.pk)
    invitations = list(survey.invitations.all())
    assert sum(i.role == Invitation.Role.MENTOR for i in invitations) == mentors
    assert sum(i.role == Invitation.Role.MENTEE for i in invitations) == mentees
    group = pair_and_group[1]
    if mentees:  # each mentee of the group is asked about the group's programme
        group_mentees = {i.person_id for i in invitations if i.programme_id == group.pk and i.role == "mentee"}
        assert group_mentees == set(group.mentorship.mentees.values_list("pk", flat=True))
    assert set(survey.programmes.all()) == set(pair_and_group)
    # Every invited person has an e-mail in the factories: one Russian letter each.
    assert len(mail.outbox) == mentors + mentees
    assert all("анкет" in m.body and m.subject.startswith(org.short_name) for m in mail.outbox)
    assert {m.to[0] for m in mail.outbox} == {i.person.email for i in invitations}


def test_only_chosen_programmes_are_asked_and_people_without_an_email_get_no_letter(
    org, curator, pair_and_group, mentee
):
    pair, _group = pair_and_group
    mentee.person.email = ""
    mentee.person.save()
    mentee.user.email = ""
    mentee.user.save()
    qset = small_set(org, audience=A.MENTEE)
    curator.client.post(url("round_launch", org), launch_post(org, qset, [pair]))
    survey = SurveyRound.objects.get()
    assert list(survey.invitations.values_list("person_id", flat=True)) == [mentee.person.pk]
    assert mail.outbox == []


def test_launch_refuses_a_past_deadline_no_programme_and_an_audience_the_set_is_not_for(org, curator, pair_and_group):
    qset = small_set(org, audience=A.MENTEE)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = curator.client.post(
        url("round_launch", org), launch_post(org, qset, [], deadline=yesterday, audience=A.MENTOR)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "в прошлом" in errors["deadline"][0]
    assert "Отметьте хотя бы одну программу" in errors["programmes"][0]
    assert "адресована" in errors["audience"][0]
    assert not SurveyRound.objects.exists() and mail.outbox == []


def test_a_programme_of_another_organisation_cannot_be_chosen(org, curator, pair_and_group, outsider, persona):
    other_mentee = persona(outsider.org, "mentee")
    foreign = active_programme(outsider.person, other_mentee.person)
    qset = small_set(org)
    response = curator.client.post(url("round_launch", org), launch_post(org, qset, [foreign]))
    assert response.status_code == 200 and "programmes" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_the_launch_page_lists_programmes_with_state_and_filters_them(org, curator, pair_and_group, persona):
    finished_mentor = persona(org, "mentor", surname="Зайцева")
    finished_mentee = persona(org, "mentee", surname="Антонова")
    active_programme(finished_mentor.person, finished_mentee.person, state="completed")
    active = curator.client.get(url("round_launch", org)).content.decode()
    assert "Карпова В." in active and "Антонова" not in active
    finished = curator.client.get(url("round_launch", org) + "?which=finished").content.decode()
    assert "Антонова" in finished and "Карпова" not in finished and "Завершена" in finished


# --- answering --------------------------------------------------------------------------------------------------


@pytest.fixture
def survey(org, mentor, mentee):
    active_programme(mentor.person, mentee.person)
    return launch(org, small_set(org), anonymous=True)


def own(survey, persona) -> Invitation:
    return survey.invitations.get(person=persona.person)


def test_a_valid_answer_is_stored_once_in_one_response(org, survey, mentee):
    inv = own(survey, mentee)
    qset = survey.question_set
    response = mentee.client.post(url("my_questionnaire", org, inv.pk), valid_answers(qset))
    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.answered_at is not None
    answers = {a.question.kind: a for a in Answer.objects.filter(response__invitation=inv).select_related("question")}
    assert answers["scale"].number == 8
    assert answers["choice"].selected == ["Да"]
    assert answers["multiple"].selected == ["Разбор занятий", "Консультации"]
    assert answers["text"].text == "Больше практики"
    # A second submission is refused with a message and stores nothing.
    again = mentee.client.post(url("my_questionnaire", org, inv.pk), valid_answers(qset, scale=2), follow=True)
    assert "уже ответили" in again.content.decode()
    assert Response.objects.filter(invitation=inv).count() == 1
    assert Answer.objects.get(response__invitation=inv, question__kind="scale").number == 8
    # The participant sees their own answers.
    page = mentee.client.get(url("my_questionnaire", org, inv.pk)).content.decode()
    assert "8 из 10" in page and "Больше практики" in page and "Разбор занятий; Консультации" in page


def test_required_range_and_choices_are_checked_beside_the_question_and_nothing_is_lost(org, survey, mentee):
    inv = own(survey, mentee)
    q = questions_of(survey.question_set)
    data = {f"q{q['scale'].pk}": "11", f"q{q['choice'].pk}": "Может быть", f"q{q['text'].pk}": "Мой длинный ответ"}
    response = mentee.client.post(url("my_questionnaire", org, inv.pk), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "Выберите ответ из предложенных." in form.errors[f"q{q['scale'].pk}"]
    assert "Выберите ответ из предложенных." in form.errors[f"q{q['choice'].pk}"]
    html = response.content.decode()
    assert "Мой длинный ответ" in html  # what was typed stays
    assert html.count('data-testid="field-error"') == 2
    missing = mentee.client.post(url("my_questionnaire", org, inv.pk), {f"q{q['choice'].pk}": "Да"})
    assert "обязательный" in missing.context["form"].errors[f"q{q['scale'].pk}"][0]
    assert 'value="Да" checked' in missing.content.decode()
    assert f"q{q['multiple'].pk}" not in missing.context["form"].errors  # optional
    assert not Response.objects.exists()
    inv.refresh_from_db()
    assert inv.answered_at is None


def test_after_the_deadline_or_when_closed_the_page_is_read_only(org, survey, mentee, mentor):
    inv = own(survey, mentee)
    SurveyRound.objects.filter(pk=survey.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    page = mentee.client.get(url("my_questionnaire", org, inv.pk))
    assert page.context["form"] is None and "Срок ответа истёк" in page.content.decode()
    refused = mentee.client.post(url("my_questionnaire", org, inv.pk), valid_answers(survey.question_set), follow=True)
    assert "ответы больше не принимаются" in refused.content.decode()
    SurveyRound.objects.filter(pk=survey.pk).update(deadline=timezone.localdate(), status=SurveyRound.Status.CLOSED)
    mentor_inv = own(survey, mentor)
    page = mentor.client.get(url("my_questionnaire", org, mentor_inv.pk)).content.decode()
    assert "Анкетирование завершено" in page
    mentor.client.post(url("my_questionnaire", org, mentor_inv.pk), valid_answers(survey.question_set))
    assert not Response.objects.exists()


def test_the_deadline_day_itself_still_accepts_answers(org, survey, mentee):
    SurveyRound.objects.filter(pk=survey.pk).update(deadline=timezone.localdate())
    inv = own(survey, mentee)
    mentee.client.post(url("my_questionnaire", org, inv.pk), valid_answers(survey.question_set))
    assert Response.objects.filter(invitation=inv).exists()


def test_only_the_invited_person_opens_an_invitation(org, survey, mentee, mentor, curator, head, outsider):
    inv = own(survey, mentee)
    target = url("my_questionnaire", org, inv.pk)
    for other in (mentor, curator, head, outsider):
        assert other.client.get(target).status_code == 404
        assert other.client.post(target, valid_answers(survey.question_set)).status_code == 404
    assert not Response.objects.exists()
    assert mentee.client.get(target).status_code == 200


def test_the_mentor_never_sees_the_mentees_answers(org, survey, mentee, mentor):
    inv = own(survey, mentee)
    mentee.client.post(url("my_questionnaire", org, inv.pk), valid_answers(survey.question_set, text="Секретный отзыв"))
    assert Response.objects.filter(invitation=inv).exists()
    mentor_pages = [
        url("my_questionnaires", org),
        url("my_questionnaire", org, own(survey, mentor).pk),
        reverse("role_home", args=[org.slug, "mentor"]),
    ]
    for page in mentor_pages:
        response = mentor.client.get(page)
        assert response.status_code == 200 and "Секретный отзыв" not in response.content.decode()
    for closed in (
        url("my_questionnaire", org, inv.pk),
        url("survey_round", org, survey.pk),
        url("survey_rounds", org),
    ):
        assert mentor.client.get(closed).status_code == 404


def test_my_questionnaires_lists_pending_and_answered(org, survey, mentee):
    inv = own(survey, mentee)
    page = mentee.client.get(url("my_questionnaires", org))
    assert [i.pk for i in page.context["pending"]] == [inv.pk] and page.context["answered"] == []
    mentee.client.post(url("my_questionnaire", org, inv.pk), valid_answers(survey.question_set))
    page = mentee.client.get(url("my_questionnaires", org))
    assert page.context["pending"] == [] and [i.pk for i in page.context["answered"]] == [inv.pk]


def test_the_home_pages_show_pending_questionnaires_with_the_deadline(org, survey, mentee, mentor):
    for persona, role in ((mentee, "mentee"), (mentor, "mentor")):
        html = persona.client.get(reverse("role_home", args=[org.slug, role])).content.decode()
        assert 'data-testid="home-surveys"' in html
        assert survey.title in html and survey.deadline.strftime("%d.%m.%Y") in html
    mentee.client.post(url("my_questionnaire", org, own(survey, mentee).pk), valid_answers(survey.question_set))
    html = mentee.client.get(reverse("role_home", args=[org.slug, "mentee"])).content.decode()
    assert 'data-testid="home-surveys"' not in html
