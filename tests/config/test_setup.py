"""Setting up an organisation (config.setup): everything installed where the organisation is born, in the admin,
after `migrate` and by `manage.py setup_organizations` — and the pages that used to install defaults now only read.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.setup import organizations_to_set_up, set_up_after_migrate, set_up_organization
from mentoring.models import Mentorship, ProgrammeTemplate, recount_places
from monitoring.models import QuestionSet
from people.models import REFERENCE_LISTS, ConsentText, Organization, Purpose
from roadmap.models import OrderKind, OrderTemplate
from tests.conftest import make_persona
from tests.factories import OrganizationFactory
from tests.security.walk import OUR_TABLES, request

PIECES = {"reference_lists", "consent_texts", "programme_templates", "order_templates", "question_sets"}


def holdings(org: Organization) -> dict[str, int]:
    return {
        "reference_lists": sum(model.objects.filter(organization=org).count() for model in REFERENCE_LISTS.values()),
        "consent_texts": ConsentText.objects.filter(organization=org).count(),
        "programme_templates": ProgrammeTemplate.objects.filter(organization=org).count(),
        "order_templates": OrderTemplate.objects.filter(organization=org).count(),
        "question_sets": QuestionSet.objects.filter(organization=org).count(),
    }


# --- set_up_organization -------------------------------------------------------------------------------------------


def test_set_up_installs_every_piece_and_a_second_call_installs_nothing(bare_org):
    installed = set_up_organization(bare_org)
    assert set(installed) == PIECES
    assert all(installed.values()), installed
    assert installed == holdings(bare_org)
    assert installed["consent_texts"] == len(Purpose.values)
    assert installed["order_templates"] == len(OrderKind.values)

    assert set_up_organization(bare_org) == dict.fromkeys(PIECES, 0)
    assert holdings(bare_org) == installed


def test_set_up_completes_what_is_missing_and_keeps_the_organisations_own_changes(bare_org):
    set_up_organization(bare_org)
    OrderTemplate.objects.filter(organization=bare_org, kind=OrderKind.REWARD).update(heading="О поощрении")
    OrderTemplate.objects.filter(organization=bare_org, kind=OrderKind.FREE).delete()
    QuestionSet.objects.filter(organization=bare_org, code="mentor-satisfaction").update(is_active=False)

    assert set_up_organization(bare_org) == {**dict.fromkeys(PIECES, 0), "order_templates": 1}
    assert OrderTemplate.objects.get(organization=bare_org, kind=OrderKind.REWARD).heading == "О поощрении"
    assert not QuestionSet.objects.get(organization=bare_org, code="mentor-satisfaction").is_active


def test_the_factory_and_the_shared_fixtures_make_set_up_organisations(org, other_org, bare_org):
    assert not organizations_to_set_up().filter(pk__in=[org.pk, other_org.pk]).exists()
    assert list(organizations_to_set_up()) == [bare_org]
    assert set_up_organization(OrganizationFactory(reference_lists=True)) == dict.fromkeys(PIECES, 0)  # old name


# --- where organisations are born ----------------------------------------------------------------------------------


def test_an_organisation_added_in_the_admin_is_set_up(db):
    superuser = get_user_model().objects.create_superuser("root", "root@example.ru", "x")
    client = Client()
    client.force_login(superuser)
    data = {
        "slug": "ds-5",
        "full_name": "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 5»",
        "short_name": "МБДОУ «Детский сад № 5»",
        "kind": Organization.Kind.KINDERGARTEN,
        "order_number_format": "{n}-од",
        "programme_approver": Organization.ProgrammeApprover.CURATOR,  # the form's default, as a browser sends it
        "order_signer": Organization.OrderSigner.HEAD,
        "meeting_gap_weeks": 3,  # the field's default, as a browser sends it
    }
    response = client.post(reverse("admin:people_organization_add"), data, follow=True)
    assert response.status_code == 200
    org = Organization.objects.get(slug="ds-5")
    assert all(holdings(org).values()), holdings(org)
    assert not organizations_to_set_up().exists()
    assert "Организация подготовлена к работе" in response.text


# --- after migrate -------------------------------------------------------------------------------------------------


def send_post_migrate(out: io.StringIO) -> None:
    """What `migrate` sends for the config app, the last installed, once everything is applied (an empty plan)."""
    config = apps.get_app_config("config")
    post_migrate.send(
        sender=config, app_config=config, verbosity=1, interactive=False, using="default", plan=[], stdout=out
    )


def test_after_migrate_an_organisation_missing_defaults_is_set_up(org, bare_org):
    OrderTemplate.objects.filter(organization=org, kind=OrderKind.FREE).delete()  # a kind added by a new release
    out = io.StringIO()
    send_post_migrate(out)
    assert all(holdings(bare_org).values()), holdings(bare_org)
    assert OrderTemplate.objects.filter(organization=org, kind=OrderKind.FREE).exists()
    assert bare_org.slug in out.getvalue() and "образцы текстов приказов: 1" in out.getvalue()
    assert not organizations_to_set_up().exists()


def test_after_migrate_nothing_is_written_when_every_organisation_is_set_up(org, other_org):
    writes: list[str] = []

    def watch(execute, sql, params, many, context):
        if OUR_TABLES.match(sql):
            writes.append(sql[:120])
        return execute(sql, params, many, context)

    out = io.StringIO()
    with connection.execute_wrapper(watch):
        send_post_migrate(out)
    assert writes == []
    assert out.getvalue() == ""

    # The handler itself: the applied migrations, then one query for the organisations to set up.
    people = apps.get_app_config("people")
    with CaptureQueriesContext(connection) as queries:
        set_up_after_migrate(people, using="default", plan=[], stdout=out)
    ours = [q["sql"] for q in queries if "people_organization" in q["sql"]]
    assert len(ours) == 1, ours


def test_a_flush_or_a_partly_migrated_database_is_left_alone(bare_org):
    """The handler runs today's models; on a database behind them (migrated backwards, or one app only) it waits."""
    people = apps.get_app_config("people")
    set_up_after_migrate(people, using="default", plan=None)  # flush sends no plan
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="roadmap").order_by("-id").first()
    recorder.record_unapplied(last.app, last.name)  # rolled back with the test
    set_up_after_migrate(people, using="default", plan=[])
    assert not any(holdings(bare_org).values())


# --- the command ---------------------------------------------------------------------------------------------------


def test_setup_organizations_command_prints_what_it_installed_and_is_idempotent(org, bare_org):
    out = io.StringIO()
    call_command("setup_organizations", stdout=out)
    assert f"({bare_org.slug}): установлено — записи справочников: " in out.getvalue()
    assert f"({org.slug})" not in out.getvalue()
    assert "Проверено организаций: 2, подготовлено: 1." in out.getvalue()

    out = io.StringIO()
    call_command("setup_organizations", "--org", bare_org.slug, stdout=out)
    assert out.getvalue().strip() == "Проверено организаций: 1; все типовые данные уже на месте."


# --- pages only read ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("set_up", [True, False], ids=["set-up", "never-set-up"])
def test_pages_that_used_to_install_defaults_only_read(set_up, db):
    """A GET of each page that once installed defaults writes nothing; without defaults it still answers 200."""
    org = OrganizationFactory(slug="fresh", set_up=set_up)
    curator, head, admin = (make_persona(org, kind) for kind in ("curator", "head", "admin"))
    mentor, mentee = make_persona(org, "mentor"), make_persona(org, "mentee")
    today = timezone.localdate()
    pair = Mentorship.objects.create(
        organization=org, mentor=mentor.person, planned_start=today, planned_end=today + timedelta(days=270)
    )
    pair.mentees.set([mentee.person])
    recount_places(mentor_ids=[mentor.person.pk])

    def at(name: str, *args) -> str:
        return reverse(name, args=[org.slug, *args])

    pages = [
        (who, at("monitoring:question_sets")) for who in (curator, head, admin)
    ] + [
        (curator, at("monitoring:round_launch")),
        (admin, at("monitoring:round_launch")),
        (curator, at("roadmap:order_templates")),
        (head, at("roadmap:order_templates")),
        (curator, at("roadmap:order_template_edit", OrderKind.PAIRS)),
        (admin, at("roadmap:order_template_edit", OrderKind.FREE)),
        (curator, at("mentoring:programme", pair.pk)),
        (mentor, at("mentoring:programme", pair.pk)),
        (curator, at("people:consent_texts")),
        (head, at("people:consent_text", Purpose.PERSONAL_DATA)),
        (admin, at("people:consent_text_version", Purpose.DUTIES, 1)),
        (curator, at("people:consent_text_edit", Purpose.PUBLICATION)),
        (curator, at("people:person_consents", mentee.person.pk)),
        (admin, at("people:consent_register", mentee.person.pk)),
        (mentee, at("people:my_consents")),
    ]  # fmt: skip
    problems = []
    for who, url in pages:
        response, writes = request(who.client, "get", url)
        if response.status_code != 200 or writes:
            problems.append(f"{url} as {who.user.username}: {response.status_code}, writes {writes}")
    assert not problems, "\n".join(problems)
    programme_page = curator.client.get(at("mentoring:programme", pair.pk)).text
    assert "Составить программу" in programme_page
    assert ("у организации нет шаблонов" in programme_page) is not set_up


def test_a_consent_to_a_default_text_never_stored_installs_it(bare_org):
    mentee = make_persona(bare_org, "mentee")
    page = mentee.client.get(reverse("people:my_consents", args=[bare_org.slug]))
    assert page.status_code == 200 and "версия 1" in page.text
    response = mentee.client.post(
        reverse("people:my_consent_give", args=[bare_org.slug, Purpose.PERSONAL_DATA]),
        {f"{Purpose.PERSONAL_DATA}-agree": "on", f"{Purpose.PERSONAL_DATA}-version": 1},
    )
    assert response.status_code == 302
    consent = mentee.person.consents.get()
    assert (consent.text.version, consent.text.created_by) == (1, None)
    assert ConsentText.objects.filter(organization=bare_org).count() == len(Purpose.values)
