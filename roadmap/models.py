"""Orders (приказы) of the head that fix each legally significant step; the roadmap joins them later."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Subquery, When
from django.utils import timezone

from mentoring.models import PlanActivity
from people.models import Organization, Person


class OrderKind(models.TextChoices):
    REGULATION = "regulation", "Об утверждении положения о системе наставничества и дорожной карты"
    ROADMAP = "roadmap", "Об утверждении дорожной карты"
    ROADMAP_CHANGE = "roadmap_change", "О внесении изменений в дорожную карту"
    CURATOR = "curator", "О назначении куратора"
    PAIRS = "pairs", "О закреплении наставнических пар (групп)"
    PROGRAMME_CHANGE = "programme_change", "Об изменении персонализированной программы"
    EARLY_END = "early_end", "О досрочном завершении наставничества"
    FINAL_EVENT = "final_event", "О проведении итогового мероприятия"
    REWARD = "reward", "О поощрении наставников"
    FREE = "free", "Иной приказ"


class OrderTemplate(models.Model):
    """The organisation's model text for one kind of order; a new draft starts from it."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    kind = models.CharField("вид приказа", max_length=30, choices=OrderKind.choices)
    heading = models.CharField("заголовок «О …»", max_length=500)
    preamble = models.TextField("преамбула («В соответствии с …»)")
    items = models.JSONField("пункты распорядительной части", default=list)
    control_item = models.TextField("пункт о контроле", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "образец текста приказа"
        verbose_name_plural = "образцы текстов приказов"
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="ordertemplate_one_per_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


class OrderQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> OrderQuerySet:
        return self.filter(organization=org)

    def awaiting(self) -> OrderQuerySet:
        return self.filter(status=Order.Status.SUBMITTED)

    # Bulk changes bypass Order.save()/delete(); refuse them when they would touch an approved order.
    def update(self, **kwargs) -> int:
        if self.filter(status=Order.Status.APPROVED).exists():
            raise ValidationError("Утверждённый приказ изменить нельзя: оформите новый приказ о внесении изменений.")
        content = {f"{name[:-3]}" if name.endswith("_id") else name for name in Order.CONTENT_FIELDS}
        touched = content & {key.removesuffix("_id") for key in kwargs}
        if touched and self.filter(status=Order.Status.SUBMITTED).exists():
            raise ValidationError("Приказ на утверждении изменить нельзя: сначала его нужно вернуть на доработку.")
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        if self.filter(status=Order.Status.APPROVED).exists():
            raise ValidationError("Утверждённый приказ удалить нельзя.")
        return super().delete()

    delete.queryset_only = True


def order_pdf_path(instance: Order, filename: str) -> str:
    return f"orders/{instance.organization_id}/{instance.year}/{uuid.uuid4().hex}.pdf"


class Order(models.Model):
    """An order of the head. Drafts are edited by the curator; an approved order never changes again."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Черновик"
        SUBMITTED = "submitted", "На утверждении"
        RETURNED = "returned", "Возвращён на доработку"
        APPROVED = "approved", "Утверждён"
        CANCELLED = "cancelled", "Отменён"

    class StartRule(models.TextChoices):
        DATE = "date", "с даты, указанной в приказе"
        SIGNING = "signing", "со дня подписания приказа"

    class Source(models.TextChoices):
        ELECTRONIC = "electronic", "Оформлен в системе"
        PAPER = "paper", "Подписан на бумаге"

    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
    # What the head reviews: while the order is submitted none of these may change (return it to draft first).
    CONTENT_FIELDS = (
        "kind",
        "heading",
        "preamble",
        "items",
        "control_item",
        "appointee_id",
        "end_reason",
        "regulation_id",
        "roadmap_id",
        "refers_to_id",
        "start_rule",
        "starts_on",
        "due_on",
        "event_date",
        "event_place",
    )

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    kind = models.CharField("вид приказа", max_length=30, choices=OrderKind.choices)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.DRAFT)
    heading = models.CharField("заголовок «О …»", max_length=500)
    preamble = models.TextField("преамбула")
    items = models.JSONField("пункты распорядительной части", default=list)
    control_item = models.TextField("пункт о контроле", blank=True)
    # What the order acts on; which of them matters depends on the kind.
    mentorships = models.ManyToManyField(
        "mentoring.Mentorship", verbose_name="пары и группы", blank=True, related_name="orders"
    )
    appointee = models.ForeignKey(
        Person, verbose_name="назначаемый куратор", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rewarded = models.ManyToManyField(Person, verbose_name="поощряемые наставники", blank=True, related_name="+")
    end_reason = models.CharField("основание досрочного завершения", max_length=20, blank=True)
    regulation = models.ForeignKey(
        "Regulation",
        verbose_name="утверждаемое положение",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    roadmap = models.ForeignKey(
        "Roadmap",
        verbose_name="утверждаемая дорожная карта",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refers_to = models.ForeignKey(
        "self",
        verbose_name="изменяет приказ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    # Values only a person can give, which the text refers to as {начало_работы}, {срок_программ}, {дата_мероприятия}…
    start_rule = models.CharField(
        "пары начинают работу", max_length=10, choices=StartRule.choices, default=StartRule.DATE
    )
    starts_on = models.DateField("дата начала работы пар", null=True, blank=True)
    due_on = models.DateField("срок исполнения (программы, материалы)", null=True, blank=True)
    event_date = models.DateField("дата проведения мероприятия", null=True, blank=True)
    event_place = models.CharField("место проведения мероприятия", max_length=300, blank=True)
    # Fixed when the order is sent for approval: the text and appendices exactly as the head sees them.
    frozen = models.JSONField("текст и приложения на утверждении", null=True, blank=True, editable=False)
    frozen_sha256 = models.CharField("SHA-256 текста на утверждении", max_length=64, blank=True, editable=False)
    # Fixed at approval.
    year = models.PositiveSmallIntegerField("год регистрации", null=True, blank=True)
    number = models.PositiveIntegerField("порядковый номер", null=True, blank=True)
    reg_number = models.CharField("регистрационный номер", max_length=40, blank=True)
    date = models.DateField("дата приказа", null=True, blank=True)
    signer_position = models.CharField("должность подписавшего", max_length=200, blank=True)
    signer_name = models.CharField("подписавший (И. О. Фамилия)", max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="утвердил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pdf = models.FileField("подписанный экземпляр (PDF)", upload_to=order_pdf_path, blank=True)
    pdf_sha256 = models.CharField("SHA-256 PDF", max_length=64, blank=True)
    # An order signed on paper before the system (roadmap.paper): its number as written, its scan if there is one.
    source = models.CharField("как оформлен", max_length=20, choices=Source.choices, default=Source.ELECTRONIC)
    scan = models.FileField("скан подписанного приказа (PDF)", upload_to=order_pdf_path, blank=True)
    scan_sha256 = models.CharField("SHA-256 скана", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подготовил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("создан", default=timezone.now)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = "приказ"
        verbose_name_plural = "приказы"
        ordering = ["-date", "-number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"],
                condition=models.Q(number__isnull=False),
                name="order_number_unique_per_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | (
                    models.Q(number__isnull=False)
                    & models.Q(date__isnull=False)
                    & (~models.Q(pdf_sha256="") | models.Q(source="paper"))
                ),
                name="order_approved_is_registered",
            ),
        ]

    def __str__(self) -> str:
        if self.reg_number:
            return f"Приказ от {self.date:%d.%m.%Y} № {self.reg_number}"
        return f"Проект приказа «{self.heading}»"

    def save(self, *args, **kwargs) -> None:
        # An approved order is a legal document: nothing may change it, whatever page, form or admin action asks.
        if self.pk and not getattr(self, "_registering", False):
            stored = Order.objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS, "status").first()
            if stored and stored["status"] == self.Status.APPROVED:
                raise ValidationError(
                    "Утверждённый приказ изменить нельзя: оформите новый приказ о внесении изменений."
                )
            # The head reviews the submitted text; changing it under them would make the signature cover
            # something they never saw.
            submitted = stored and stored["status"] == self.Status.SUBMITTED and self.status == self.Status.SUBMITTED
            if submitted and any(stored[name] != getattr(self, name) for name in self.CONTENT_FIELDS):
                raise ValidationError("Приказ на утверждении изменить нельзя: сначала его нужно вернуть на доработку.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Order.objects.filter(pk=self.pk, status=self.Status.APPROVED).exists():
            raise ValidationError("Утверждённый приказ удалить нельзя.")
        return super().delete(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_paper(self) -> bool:
        return self.source == self.Source.PAPER


class OrderCounter(models.Model):
    """The last registration number an organisation used in a year; locked row by row so numbers never repeat."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "счётчик номеров приказов"
        verbose_name_plural = "счётчики номеров приказов"
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="ordercounter_unique_year")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.year} — {self.last_number}"


class OrderEvent(models.Model):
    """The history of an order: who did what, when, with which comment."""

    class Action(models.TextChoices):
        CREATED = "created", "Проект создан"
        EDITED = "edited", "Проект изменён"
        SUBMITTED = "submitted", "Отправлен на утверждение"
        RETURNED = "returned", "Возвращён на доработку"
        APPROVED = "approved", "Утверждён"
        CANCELLED = "cancelled", "Отменён"
        ACKNOWLEDGED = "acknowledged", "Ознакомлен(а)"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField("когда", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("действие", max_length=20, choices=Action.choices)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "событие приказа"
        verbose_name_plural = "история приказов"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.get_action_display()


class Acknowledgement(models.Model):
    """A person who must read the order (лист ознакомления) and the date they did."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="acknowledgements")
    person = models.ForeignKey(Person, verbose_name="работник", on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField("ознакомлен(а)", null=True, blank=True)

    class Meta:
        verbose_name = "ознакомление с приказом"
        verbose_name_plural = "лист ознакомления"
        ordering = ["person__surname", "person__name"]
        constraints = [models.UniqueConstraint(fields=["order", "person"], name="acknowledgement_once")]

    def __str__(self) -> str:
        return f"{self.person.short_name}: {self.order}"

    def acknowledge(self) -> None:
        if self.acknowledged_at is not None:
            raise ValidationError("Вы уже ознакомились с этим приказом.")
        if self.order.status != Order.Status.APPROVED:
            raise ValidationError("Ознакомиться можно только с утверждённым приказом.")
        self.acknowledged_at = timezone.now()
        self.save(update_fields=["acknowledged_at"])


class SignatureImmutable(ValidationError):
    """A registered signature is never changed or removed: it is what the verification page vouches for."""


class OrderSignatureQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SignatureImmutable("Электронную подпись приказа изменить нельзя.")

    def delete(self):
        raise SignatureImmutable("Электронную подпись приказа удалить нельзя.")


class OrderSignature(models.Model):
    """The simple electronic signature of an approved order (63-ФЗ, art. 9): who signed, when, how, which key,
    and the SHA-256 of the stored PDF that carries the mark. Written once at approval; `token` is the address of
    the public verification page (/verify/<token>/) printed as a QR code on the document."""

    class Method(models.TextChoices):
        TOTP = "totp", "Одноразовый код из приложения-аутентификатора"
        EMAIL = "email", "Одноразовый код, отправленный по электронной почте"
        NONE = "none", "Вход в систему по логину и паролю"

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="signature")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="учётная запись", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField("владелец", max_length=300)
    position = models.CharField("должность", max_length=300)
    signed_at = models.DateTimeField("дата и время подписания")
    method = models.CharField("способ подтверждения", max_length=10, choices=Method.choices)
    key_id = models.CharField("идентификатор ключа", max_length=40)
    document_sha256 = models.CharField("SHA-256 документа", max_length=64)
    token = models.CharField("адрес проверки", max_length=64, unique=True)

    objects = OrderSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = "электронная подпись приказа"
        verbose_name_plural = "электронные подписи приказов"
        constraints = [models.CheckConstraint(condition=~models.Q(document_sha256=""), name="signature_has_hash")]

    def __str__(self) -> str:
        return f"{self.signer_name}, {self.signed_at:%d.%m.%Y %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise SignatureImmutable("Электронную подпись приказа изменить нельзя.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignatureImmutable("Электронную подпись приказа удалить нельзя.")


# A roadmap activity moves through the same four statuses as a row of a programme's plan: one list for both.
ActivityStatus = PlanActivity.Status


ROADMAP_LOCKED = (
    "Дорожная карта утверждена приказом: её содержание изменить нельзя. Чтобы внести изменения, нажмите "
    "«Подготовить изменения» — будет создана новая редакция, которая вступит в силу после приказа о внесении "
    "изменений в дорожную карту."
)


def _stored_values(model, pk: int, names: list[str]) -> dict | None:
    return model._base_manager.filter(pk=pk).values(*names).first()


class RoadmapQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> RoadmapQuerySet:
        return self.filter(organization=org)

    def approved(self) -> RoadmapQuerySet:
        return self.filter(status=Roadmap.Status.APPROVED)

    def current_first(self, today: date | None = None) -> RoadmapQuerySet:
        """Approved roadmaps, the one whose period holds `today` first, then the latest by period."""
        today = today or timezone.localdate()
        return (
            self.approved()
            .annotate(is_current=Case(When(period_start__lte=today, period_end__gte=today, then=1), default=0))
            .order_by("-is_current", "-period_start", "-id")
        )

    def current_for(self, org: Organization, today: date | None = None) -> Roadmap | None:
        """THE current roadmap of the organisation: the approved one of the period that holds today (else the
        latest approved). Drafts — new, copied, imported, a new редакция being prepared — never are."""
        return self.for_org(org).select_related("organization", "approved_by_order").current_first(today).first()

    def current_id(self, org, today: date | None = None) -> Subquery:
        """`current_for` as a subquery of the id; `org` is an organisation or an outer reference to one."""
        return Subquery(self.filter(organization=org).current_first(today).values("pk")[:1])

    # Bulk changes bypass Roadmap.save()/delete(): an approved roadmap's content stays as approved.
    def update(self, **kwargs) -> int:
        content = set(kwargs) - {"status"} or kwargs.get("status") == Roadmap.Status.DRAFT
        if content and self.exclude(status=Roadmap.Status.DRAFT).exists():
            raise ValidationError(ROADMAP_LOCKED)
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        if self.exclude(status=Roadmap.Status.DRAFT).exists():
            raise ValidationError("Утверждённую дорожную карту удалить нельзя: она остаётся в истории.")
        return super().delete()

    delete.queryset_only = True


class Roadmap(models.Model):
    """The roadmap (дорожная карта) of one period: the seven stages and their activities.

    An approved roadmap is a document: its stages and activities never change again (only the marks of progress
    do). A change is a new редакция — a draft copy that `replaces` it — which takes effect when an order «О внесении
    изменений в дорожную карту» approves it; the replaced one then becomes SUPERSEDED and stays readable.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Проект"
        APPROVED = "approved", "Утверждена приказом"
        SUPERSEDED = "superseded", "Заменена новой редакцией"

    class Source(models.TextChoices):
        MODEL = "model", "Типовая"
        COPY = "copy", "Копия прошлого периода"
        IMPORT = "import", "Загружена из файла"
        BLANK = "blank", "Пустая"
        REVISION = "revision", "Новая редакция утверждённой"

    # What approval fixes; status and the approving order move only forward.
    CONTENT_FIELDS = ["organization_id", "title", "period_label", "period_start", "period_end", "source", "replaces_id"]

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    title = models.CharField("название", max_length=500)
    period_label = models.CharField("период", max_length=100, help_text="Например: 2026–2027 учебный год")
    period_start = models.DateField("начало периода")
    period_end = models.DateField("окончание периода")
    source = models.CharField("создана как", max_length=20, choices=Source.choices, default=Source.MODEL)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_by_order = models.ForeignKey(
        Order, verbose_name="утверждена приказом", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name="новая редакция дорожной карты",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    created_at = models.DateTimeField("создана", default=timezone.now)

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gt=models.F("period_start")), name="roadmap_period"),
            # One roadmap in force per period (roadmap.versions.check_approvable also refuses overlapping ones),
            # and an approved roadmap is replaced by one new редакция only.
            models.UniqueConstraint(
                fields=["organization", "period_start"],
                condition=models.Q(status="approved"),
                name="roadmap_one_approved_per_period",
            ),
            models.UniqueConstraint(
                fields=["replaces"],
                condition=models.Q(status__in=["approved", "superseded"]),
                name="roadmap_replaced_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_label})"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = _stored_values(Roadmap, self.pk, ["status", "approved_by_order_id", *self.CONTENT_FIELDS])
            if stored is not None and stored["status"] != self.Status.DRAFT:
                changed = [name for name in self.CONTENT_FIELDS if stored[name] != getattr(self, name)]
                backwards = self.status == self.Status.DRAFT or (
                    stored["status"] == self.Status.SUPERSEDED and self.status != self.Status.SUPERSEDED
                )
                if changed or backwards or stored["approved_by_order_id"] != self.approved_by_order_id:
                    raise ValidationError(ROADMAP_LOCKED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Roadmap.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists():
            raise ValidationError("Утверждённую дорожную карту удалить нельзя: она остаётся в истории.")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


def _refuse_if_locked(roadmap_ids) -> None:
    if Roadmap.objects.filter(pk__in=set(roadmap_ids)).exclude(status=Roadmap.Status.DRAFT).exists():
        raise ValidationError(ROADMAP_LOCKED)


class RoadmapStageQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        _refuse_if_locked(self.values_list("roadmap_id", flat=True))
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        _refuse_if_locked(self.values_list("roadmap_id", flat=True))
        return super().delete()

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_if_locked(o.roadmap_id for o in objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        _refuse_if_locked(o.roadmap_id for o in objs)
        return super().bulk_update(objs, fields, *args, **kwargs)


class RoadmapStage(models.Model):
    """A stage of the roadmap as the organisation's table has it (usually the seven stages of the model)."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="stages")
    number = models.CharField("номер", max_length=20)
    model_stage = models.PositiveSmallIntegerField(
        "этап целевой модели (1–7)", null=True, blank=True, help_text="Связь с этапом целевой модели для подсчёта хода"
    )
    title = models.CharField("наименование этапа", max_length=500)
    position = models.PositiveIntegerField("порядок", default=0)

    objects = RoadmapStageQuerySet.as_manager()

    class Meta:
        verbose_name = "этап дорожной карты"
        verbose_name_plural = "этапы дорожной карты"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if self.pk and update_fields is not None and set(update_fields) <= STAGE_TRACKING_FIELDS:
            return super().save(*args, **kwargs)  # the link to the model's stage: roadmap.tracking logs it
        ids = [self.roadmap_id]
        if self.pk:
            stored = _stored_values(RoadmapStage, self.pk, ["roadmap_id"])
            ids += [stored["roadmap_id"]] if stored else []
        _refuse_if_locked(ids)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_locked([self.roadmap_id])
        return super().delete(*args, **kwargs)


def evidence_path(instance: RoadmapActivity, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"roadmap/{instance.roadmap.organization_id}/{uuid.uuid4().hex}.{suffix}"


# The marks of progress: records of work done, editable whatever the roadmap's state.
PROGRESS_FIELDS = frozenset({"status", "done_on", "note", "evidence"})
# How progress is tracked (the model stage a stage counts for, the data check an activity completes by): not the
# document's wording, so the curator may correct it after approval; roadmap.tracking logs every such change.
STAGE_TRACKING_FIELDS = frozenset({"model_stage"})
ACTIVITY_TRACKING_FIELDS = frozenset({"check_code"})


class RoadmapActivityQuerySet(models.QuerySet):
    def open(self) -> RoadmapActivityQuerySet:
        return self.filter(status__in=[ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS])

    def overdue(self, today=None) -> RoadmapActivityQuerySet:
        return self.open().filter(deadline_date__lt=today or timezone.localdate())

    def update(self, **kwargs) -> int:
        if set(kwargs) - PROGRESS_FIELDS:
            _refuse_if_locked(self.values_list("roadmap_id", flat=True))
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        _refuse_if_locked(self.values_list("roadmap_id", flat=True))
        return super().delete()

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_if_locked(o.roadmap_id for o in objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if set(fields) - PROGRESS_FIELDS:
            ids = [o.roadmap_id for o in objs]
            ids += self.model._base_manager.filter(pk__in=[o.pk for o in objs]).values_list("roadmap_id", flat=True)
            _refuse_if_locked(ids)
        return super().bulk_update(objs, fields, *args, **kwargs)


class RoadmapActivity(models.Model):
    """An activity of the roadmap: number, content, the deadline as written and a date to track it by.

    Its content is the roadmap's and is fixed with it at approval; status, the date done, the note and the
    evidence file are the marks of progress and stay editable.
    """

    CONTENT_FIELDS = [
        "roadmap_id",
        "stage_id",
        "number",
        "position",
        "content",
        "deadline_text",
        "deadline_date",
        "responsible_position",
        "responsible_person_id",
        "expected_result",
        "check_code",
    ]

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="activities")
    # The activity of the replaced редакция this one was copied from (roadmap.versions.prepare_changes).
    origin = models.ForeignKey(
        "self", verbose_name="из прежней редакции", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.ForeignKey(RoadmapStage, verbose_name="этап", on_delete=models.CASCADE, related_name="activities")
    number = models.CharField("номер", max_length=20, blank=True)
    position = models.PositiveIntegerField("порядок", default=0)
    content = models.TextField("содержание")
    deadline_text = models.CharField("срок (как в документе)", max_length=300, blank=True)
    deadline_date = models.DateField("срок для контроля", null=True, blank=True)
    responsible_position = models.CharField("ответственный (должность)", max_length=300, blank=True)
    responsible_person = models.ForeignKey(
        Person,
        verbose_name="ответственный работник",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expected_result = models.TextField("ожидаемый результат", blank=True)
    status = models.CharField("статус", max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    done_on = models.DateField("выполнено", null=True, blank=True)
    note = models.TextField("отметка о выполнении", blank=True)
    evidence = models.FileField("подтверждающий файл", upload_to=evidence_path, blank=True)
    # A check of monitoring.progress that completes this activity by itself when the data shows it done.
    check_code = models.CharField("проверка по данным", max_length=60, blank=True)

    objects = RoadmapActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "мероприятие дорожной карты"
        verbose_name_plural = "мероприятия дорожной карты"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False), name="roadmapactivity_done_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.content[:60]}".strip()

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= PROGRESS_FIELDS | ACTIVITY_TRACKING_FIELDS:
            return super().save(*args, **kwargs)
        if not self.pk:
            _refuse_if_locked([self.roadmap_id])
        else:
            stored = _stored_values(RoadmapActivity, self.pk, self.CONTENT_FIELDS)
            if stored is None or any(stored[name] != getattr(self, name) for name in self.CONTENT_FIELDS):
                _refuse_if_locked([self.roadmap_id, *([stored["roadmap_id"]] if stored else [])])
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_locked([self.roadmap_id])
        return super().delete(*args, **kwargs)


REGULATION_LOCKED = (
    "Положение, принятое педагогическим советом или утверждённое приказом, изменить нельзя: создайте новую версию "
    "и утвердите её приказом."
)


class RegulationQuerySet(models.QuerySet):
    # Bulk changes bypass Regulation.save()/delete(): only a draft version may change, and an adopted one may only
    # become approved.
    def update(self, **kwargs) -> int:
        approving = set(kwargs) <= {"status", "approved_by_order", "approved_by_order_id"} and (
            kwargs.get("status") == Regulation.Status.APPROVED
        )
        locked = self.filter(status=Regulation.Status.APPROVED) if approving else self
        if locked.exclude(status=Regulation.Status.DRAFT).exists():
            raise ValidationError(REGULATION_LOCKED)
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        if self.exclude(status=Regulation.Status.DRAFT).exists():
            raise ValidationError("Принятое или утверждённое положение удалить нельзя: оно остаётся в истории.")
        return super().delete()

    delete.queryset_only = True


class Regulation(models.Model):
    """A version of the regulation (Положение) on the mentoring system: adopted by the council, approved by order.

    Once adopted its text is fixed; approval only adds the order; an approved version never changes again. A change
    is a new version (roadmap.regulation.new_version) approved by its own order.
    """

    FIXED_AT_ADOPTION = ["organization_id", "version", "title", "body", "council_date", "council_number", "created_at"]

    class Status(models.TextChoices):
        DRAFT = "draft", "Проект"
        ADOPTED = "adopted", "Принято педагогическим советом"
        APPROVED = "approved", "Утверждено приказом"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    version = models.PositiveIntegerField("версия")
    title = models.CharField("заголовок", max_length=500)
    body = models.TextField("текст")
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.DRAFT)
    council_date = models.DateField("дата протокола педагогического совета", null=True, blank=True)
    council_number = models.CharField("номер протокола", max_length=40, blank=True)
    approved_by_order = models.ForeignKey(
        Order, verbose_name="утверждено приказом", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="автор",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("создано", default=timezone.now)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        verbose_name = "положение о системе наставничества"
        verbose_name_plural = "положения о системе наставничества"
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["organization", "version"], name="regulation_unique_version")]

    def __str__(self) -> str:
        return f"{self.title}, версия {self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            names = [*self.FIXED_AT_ADOPTION, "status", "approved_by_order_id"]
            stored = _stored_values(Regulation, self.pk, names)
            if stored is not None and stored["status"] != self.Status.DRAFT:
                fixed = [*self.FIXED_AT_ADOPTION]
                if stored["status"] == self.Status.APPROVED:
                    fixed += ["status", "approved_by_order_id"]
                elif self.status == self.Status.DRAFT:
                    raise ValidationError(REGULATION_LOCKED)
                if any(stored[name] != getattr(self, name) for name in fixed):
                    raise ValidationError(REGULATION_LOCKED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Regulation.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists():
            raise ValidationError("Принятое или утверждённое положение удалить нельзя: оно остаётся в истории.")
        return super().delete(*args, **kwargs)


class TrackingChange(models.Model):
    """A change of how a roadmap's progress is tracked: a stage's link to a stage of the model, or an activity's
    link to a data check. Kept for every change, and marked when the roadmap was already approved."""

    class Field(models.TextChoices):
        MODEL_STAGE = "model_stage", "Этап целевой модели"
        CHECK = "check_code", "Проверка по данным"

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="tracking_changes")
    stage = models.ForeignKey(RoadmapStage, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(RoadmapActivity, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    field = models.CharField("что изменено", max_length=20, choices=Field.choices)
    old_value = models.CharField("было", max_length=60, blank=True)
    new_value = models.CharField("стало", max_length=60, blank=True)
    after_approval = models.BooleanField("после утверждения", default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField("когда", default=timezone.now)

    class Meta:
        verbose_name = "изменение связи с этапами и проверками"
        verbose_name_plural = "изменения связей с этапами и проверками"
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__isnull=False) | models.Q(activity__isnull=False), name="trackingchange_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.old_value or '—'} → {self.new_value or '—'}"


class RoadmapImport(models.Model):
    """One confirmed import of a roadmap table: what it created and what it flagged, kept as the import history.

    `report` holds the stages with their model stages, the activities linked to data checks, the rows not loaded
    and the remarks on numbering, as the result page shows them."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    roadmap = models.ForeignKey(
        Roadmap, verbose_name="дорожная карта", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField("файл", max_length=255)
    stage_count = models.PositiveIntegerField("этапов создано", default=0)
    activity_count = models.PositiveIntegerField("мероприятий создано", default=0)
    flagged_count = models.PositiveIntegerField("замечаний", default=0)
    report = models.JSONField("отчёт об импорте", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("когда", default=timezone.now)

    class Meta:
        verbose_name = "импорт дорожной карты"
        verbose_name_plural = "история импорта дорожных карт"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d.%m.%Y})"


class CertificateQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> CertificateQuerySet:
        return self.filter(organization=org)

    def for_list(self) -> CertificateQuerySet:
        return self.select_related("person", "mentorship", "order", "issued_by")


class Certificate(models.Model):
    """A registered certificate: a «справка об участии в программе наставничества» for a mentor or a mentee, or a
    «благодарственное письмо» for a mentor rewarded by an approved reward order.

    Its number and date are given once at issue; `facts` keeps what the document states (programme, dates, role,
    completed rows, meetings held; or the reward order), so a reissued copy says the same as the first. When the
    one who signs the organisation's orders issues it, `esign_*` keep the mark of the simple electronic signature
    printed in place of the handwritten one (roadmap.signing.mark).
    """

    class Kind(models.TextChoices):
        PARTICIPATION = "participation", "Справка об участии в программе наставничества"
        THANKS = "thanks", "Благодарственное письмо"

    class Role(models.TextChoices):
        MENTOR = "mentor", "наставник"
        MENTEE = "mentee", "наставляемый"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    kind = models.CharField("вид документа", max_length=20, choices=Kind.choices)
    person = models.ForeignKey(Person, verbose_name="кому выдан", on_delete=models.PROTECT, related_name="certificates")
    role = models.CharField("роль в программе", max_length=10, choices=Role.choices)
    mentorship = models.ForeignKey(
        "mentoring.Mentorship",
        verbose_name="пара или группа",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    order = models.ForeignKey(
        Order, verbose_name="приказ о поощрении", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("год регистрации")
    number = models.PositiveIntegerField("порядковый номер")
    issued_on = models.DateField("дата выдачи")
    facts = models.JSONField("содержание документа", default=dict)
    signer_position = models.CharField("должность подписывающего", max_length=300, blank=True)
    signer_name = models.CharField("подписывающий (И. О. Фамилия)", max_length=200, blank=True)
    esign_token = models.CharField("адрес проверки", max_length=64, blank=True)
    esign_key_id = models.CharField("идентификатор ключа", max_length=40, blank=True)
    esign_signed_at = models.DateTimeField("подписан электронно", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="выдал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("зарегистрирован", default=timezone.now)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "справка или благодарственное письмо"
        verbose_name_plural = "справки и благодарственные письма"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "number"], name="certificate_unique_number"),
            models.UniqueConstraint(
                fields=["esign_token"], condition=~models.Q(esign_token=""), name="certificate_unique_token"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="participation", mentorship__isnull=False)
                | models.Q(kind="thanks", order__isnull=False),
                name="certificate_has_ground",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} № {self.reg_number} от {self.issued_on:%d.%m.%Y}"

    @property
    def reg_number(self) -> str:
        """«12-н/2026»: the number in the organisation's register of certificates and letters of the year."""
        return f"{self.number}-н/{self.year}"
