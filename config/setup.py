"""Setting up an organisation: everything a new organisation starts with, installed where the organisation is born.

The pieces are the model reference lists, consent texts, programme templates, order texts and question sets,
each installed by its own idempotent function. `set_up_organization` runs them all in one transaction; the admin
calls it on creating an organisation, so do seed_demo, seed_scale and the benchmarks. Organisations of a running
deployment that lack a piece (they predate it, or were created from the shell) are set up after `migrate` by
`set_up_after_migrate` and on demand by `manage.py setup_organizations`. Pages only read these defaults.

The module lives in people because the organisation and its birthplaces (the admin, the seed commands,
PeopleConfig) do; the installers of mentoring and roadmap build on people, so they are imported inside the
functions, at call time, and people's modules never import those apps while the apps load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from mentoring.models import ProgrammeTemplate
from mentoring.programmes import ensure_programme_templates, load_programme_templates
from monitoring.models import QuestionSet
from monitoring.questionnaires import default_sets, ensure_question_sets
from people.changes import organization_changed
from people.consents import ensure_consent_texts
from people.models import REFERENCE_LISTS, ConsentText, Organization, Purpose
from people.services import install_reference_lists, load_reference_fixture
from roadmap.drafting import ensure_order_templates
from roadmap.models import OrderKind, OrderTemplate


@dataclass(frozen=True)
class Piece:
    """One kind of default: how to install it, and what an organisation holding all of it has."""

    key: str
    label: str  # what the output says: «тексты согласий: 3»
    install: Callable[[Organization], int]
    # (model, field holding the code, the codes every organisation should have): what «missing» means for the
    # one query that finds organisations to set up.
    expected: Callable[[], list[tuple[type[models.Model], str, list[str]]]]


def pieces() -> list[Piece]:
    """The pieces in the order they go in: programme templates take their directions from the reference lists."""

    def reference_codes():
        fixture = load_reference_fixture()
        return [(REFERENCE_LISTS[key], "code", [e["code"] for e in entries]) for key, entries in fixture.items()]

    return [
        Piece("reference_lists", "записи справочников", install_reference_lists, reference_codes),
        Piece(
            "consent_texts",
            "тексты согласий",
            ensure_consent_texts,
            lambda: [(ConsentText, "purpose", list(Purpose.values))],
        ),
        Piece(
            "programme_templates",
            "шаблоны программ",
            ensure_programme_templates,
            lambda: [(ProgrammeTemplate, "code", [s["code"] for s in load_programme_templates()])],
        ),
        Piece(
            "order_templates",
            "образцы текстов приказов",
            ensure_order_templates,
            lambda: [(OrderTemplate, "kind", list(OrderKind.values))],
        ),
        Piece(
            "question_sets",
            "анкеты",
            ensure_question_sets,
            lambda: [(QuestionSet, "code", [s["code"] for s in default_sets()])],
        ),
    ]


@transaction.atomic
def set_up_organization(org: Organization) -> dict[str, int]:
    """Install every default the organisation does not have yet; returns how many of each were new.

    Idempotent: a second call returns zeros, and whatever the organisation changed, switched off or added stays.
    """
    installed = {piece.key: piece.install(org) for piece in pieces()}
    if any(installed.values()):
        organization_changed(org)  # the homes and the roadmap count the reference lists and programme templates
    return installed


def organizations_to_set_up(using: str = DEFAULT_DB_ALIAS) -> models.QuerySet[Organization]:
    """Organisations that lack some default, found by code in one query.

    An entry the installer would skip (a reference entry whose name the organisation gave to its own entry)
    counts as missing here, so such an organisation is set up again for nothing — harmless, and rare.
    """
    checks: dict[str, int] = {}
    annotations: dict[str, Coalesce] = {}
    for piece in pieces():
        for model, field, codes in piece.expected():
            name = f"have_{model._meta.model_name}"
            held = (
                model.objects.filter(organization=OuterRef("pk"), **{f"{field}__in": codes})
                .order_by()
                .values("organization")
                .annotate(n=Count(field, distinct=True))
                .values("n")
            )
            annotations[name] = Coalesce(Subquery(held), 0)
            checks[name] = len(set(codes))
    missing = Q()
    for name, count in checks.items():
        missing |= Q(**{f"{name}__lt": count})
    return Organization.objects.using(using).alias(**annotations).filter(missing).order_by("pk")


def describe(installed: dict[str, int]) -> str:
    """«записи справочников: 24, тексты согласий: 3» — the pieces that had something new; "" if none had."""
    labels = {piece.key: piece.label for piece in pieces()}
    return ", ".join(f"{labels[key]}: {count}" for key, count in installed.items() if count)


def set_up_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, plan=None, **kwargs) -> None:
    """post_migrate (people only): set up the organisations still missing a default, with the current models.

    Unlike a data migration, which would have to freeze today's installers, this always runs today's code — so
    it runs only when the database matches the models: after a full forward migration. `flush` sends the
    signal without a plan; a flushed database has no organisations, so it is skipped as well.
    """
    if plan is None or using != DEFAULT_DB_ALIAS or not _fully_migrated(using):
        return
    stdout = kwargs.get("stdout")
    done = 0
    for org in list(organizations_to_set_up(using)):
        what = describe(set_up_organization(org))
        if what:
            done += 1
            if verbosity >= 1 and stdout is not None:
                stdout.write(f"  Подготовлена организация {org.short_name} ({org.slug}): {what}.")
    if done and verbosity >= 1 and stdout is not None:
        stdout.write(f"  Подготовлено к работе организаций: {done}.")


def _fully_migrated(using: str) -> bool:

    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())
