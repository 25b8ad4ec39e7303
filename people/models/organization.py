"""Organisations, their staff, the roles staff hold, and the organisation's reference lists."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from core.text import initials_name, name_key
from people.requisites import validate_inn, validate_ogrn


class Municipality(models.Model):
    """A municipality whose organisations share one deployment. Its coordinator sees aggregate figures only."""

    slug = models.SlugField("код в адресе", max_length=40, unique=True)
    name = models.CharField("наименование", max_length=300)
    region = models.CharField("субъект Российской Федерации", max_length=200, blank=True)
    coordinator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="муниципальный координатор",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_municipality",
    )

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipal_home", args=[self.slug])


# The acts a new organisation's orders cite, as they stand after «В соответствии с» (творительный падеж).
ORDER_BASIS_DEFAULT = (
    "Федеральным законом от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»",
    "распоряжением Министерства просвещения Российской Федерации от 25.12.2019 № Р-145 «Об утверждении "
    "методологии (целевой модели) наставничества обучающихся для организаций, осуществляющих образовательную "
    "деятельность по общеобразовательным, дополнительным общеобразовательным и программам среднего "
    "профессионального образования, в том числе с применением лучших практик обмена опытом между обучающимися»",
    "методическими рекомендациями по разработке и внедрению системы (целевой модели) наставничества "
    "педагогических работников в образовательных организациях, направленными письмом Министерства просвещения "
    "Российской Федерации от 21.12.2021 № АЗ-1128/08",
)


def default_order_basis() -> str:
    return "\n".join(ORDER_BASIS_DEFAULT)


class Organization(models.Model):
    class Kind(models.TextChoices):
        KINDERGARTEN = "kindergarten", "Дошкольная образовательная организация"
        SCHOOL = "school", "Общеобразовательная организация"
        ADDITIONAL = "additional", "Организация дополнительного образования"
        COLLEGE = "college", "Профессиональная образовательная организация"

    slug = models.SlugField(
        "код в адресе",
        max_length=40,
        unique=True,
        help_text="Латинские буквы, цифры и дефис, например ds-3-solnyshko. Виден в адресах страниц.",
    )
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    kind = models.CharField("тип организации", max_length=20, choices=Kind.choices)
    municipality = models.CharField("муниципальное образование", max_length=200, blank=True)
    municipal_unit = models.ForeignKey(
        Municipality,
        verbose_name="муниципалитет (сводная отчётность)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
    )
    region = models.CharField("субъект Российской Федерации", max_length=200, blank=True)
    address = models.CharField("адрес", max_length=500, blank=True)
    site = models.URLField("официальный сайт", blank=True)
    # The organisation as an operator of personal data: printed on the consent forms (people.requisites).
    legal_address = models.CharField(
        "адрес (место нахождения) по ЕГРЮЛ",
        max_length=500,
        blank=True,
        help_text="Как в выписке из ЕГРЮЛ. Печатается в согласиях как адрес оператора; "
        "если пусто — берётся адрес выше.",
    )
    inn = models.CharField(
        "ИНН", max_length=12, blank=True, validators=[validate_inn], help_text="10 цифр, как в выписке из ЕГРЮЛ."
    )
    ogrn = models.CharField(
        "ОГРН", max_length=13, blank=True, validators=[validate_ogrn], help_text="13 цифр, как в выписке из ЕГРЮЛ."
    )
    email = models.EmailField("электронная почта", blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True)
    city = models.CharField(
        "место издания документов", max_length=200, blank=True, help_text="Например: г. Верхнеречинск"
    )
    order_number_format = models.CharField(
        "формат номера приказа",
        max_length=40,
        default="{n}-од",
        validators=[RegexValidator(r"\{n\}", "Формат должен содержать {n} — место порядкового номера.")],
        help_text="{n} — порядковый номер приказа в году, например «{n}-од» даёт «15-од».",
    )

    # The values are the kinds of the roles that approve (Role.Kind).
    class ProgrammeApprover(models.TextChoices):
        CURATOR = "curator", "Куратор"
        HEAD = "head", "Руководитель организации"

    programme_approver = models.CharField(
        "кто утверждает персонализированные программы",
        max_length=20,
        choices=ProgrammeApprover.choices,
        default=ProgrammeApprover.CURATOR,
        help_text="Как установлено положением о наставничестве организации.",
    )
    # The principle of voluntariness: both people agree to each other before the pair goes into an order.
    pairs_need_consent = models.BooleanField(
        "пару подтверждают наставник и наставляемый",
        default=True,
        help_text="Снимите отметку, если положение организации не требует взаимного согласия участников пары "
        "до включения её в приказ.",
    )

    class OrderSigner(models.TextChoices):
        HEAD = "head", "Руководитель организации"
        ACTING = "acting", "Исполняющий обязанности руководителя"

    order_signer = models.CharField(
        "подписывает приказы",
        max_length=20,
        choices=OrderSigner.choices,
        default=OrderSigner.HEAD,
        help_text="На время отпуска или болезни руководителя приказы подписывает исполняющий обязанности, "
        "назначенный приказом.",
    )
    acting_head = models.ForeignKey(
        "Person",
        verbose_name="исполняющий обязанности руководителя",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Работник с ролью «Руководитель», назначенной другим администратором.",
    )
    acting_head_position = models.CharField(
        "должность в подписи", max_length=200, blank=True, help_text="Например: «И. о. заведующего»."
    )
    acting_basis_number = models.CharField("номер приказа о назначении и. о.", max_length=40, blank=True)
    acting_basis_date = models.DateField("дата приказа о назначении и. о.", null=True, blank=True)
    approval_code = models.BooleanField(
        "Подтверждать утверждение одноразовым кодом",
        default=True,
        help_text="Руководитель подтверждает утверждение каждого приказа кодом из приложения-аутентификатора или "
        "из письма — простая электронная подпись по положению организации об электронном документообороте.",
    )
    order_basis = models.TextField(
        "правовые основания приказов",
        blank=True,
        default=default_order_basis,
        help_text="Федеральные, региональные и местные акты, на которые ссылаются приказы («В соответствии с …»): "
        "по одному на строку, в творительном падеже, как они стоят после слов «В соответствии с».",
    )
    meeting_gap_weeks = models.PositiveSmallIntegerField(
        "сигнал, если нет встреч N недель",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="Пара или группа отмечается в списке, если столько недель у неё не было записанных встреч.",
    )
    # The methodical council's rights (issue 17 p. 4): the regulation may give the council a part in forming pairs,
    # in reviewing programmes and in monitoring; each is switched on here, none is on by default.
    council_proposes_pairs = models.BooleanField(
        "методический совет предлагает пары",
        default=False,
        help_text="Члены совета предлагают пары и группы; куратор принимает предложение или отклоняет его.",
    )
    council_reviews_programmes = models.BooleanField(
        "программы согласует методический совет",
        default=False,
        help_text="После ознакомления наставляемого программу согласует член совета, и только потом её утверждают.",
    )
    council_sees_monitoring = models.BooleanField(
        "методический совет видит мониторинг",
        default=False,
        help_text="Члены совета читают отчёты мониторинга и результаты анкетирования.",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    # Replaced by every write in the organisation (people.changes.touch): cached figures are kept under it.
    data_version = models.UUIDField("версия данных", default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("org_home", args=[self.slug])

    @property
    def order_basis_acts(self) -> list[str]:
        """The acts the orders cite, one per line of `order_basis`, in the order the organisation keeps them."""
        return [line.strip().rstrip(",;.") for line in self.order_basis.splitlines() if line.strip()]

    def council_may(self, right: str) -> bool:
        """Whether the methodical council holds `right`: "proposes_pairs", "reviews_programmes", "sees_monitoring"."""
        return bool(getattr(self, f"council_{right}"))


class PersonQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> PersonQuerySet:
        return self.filter(organization=org)

    def heads_of(self, org: Organization) -> PersonQuerySet:
        """Working staff of `org` holding the head role."""
        return self.for_org(org).working().with_access().filter(roles__kind=Role.Kind.HEAD).distinct()

    def working(self) -> PersonQuerySet:
        return self.filter(left_on__isnull=True)

    def with_access(self) -> PersonQuerySet:
        """Cards whose access to their organisation the administrator has not switched off."""
        return self.filter(access_disabled_at__isnull=True)

    def search(self, text: str) -> PersonQuerySet:
        """Find by any part of the full name, ignoring case and ё/е (works the same on SQLite and PostgreSQL)."""
        key = name_key(text)
        if not key:
            return self
        qs = self
        for word in key.split():
            qs = qs.filter(name_key__contains=word)
        return qs


class Person(models.Model):
    """A staff member of one organisation. May have a user account to log in with."""

    class Category(models.TextChoices):
        NONE = "none", "Без категории"
        CONFORMITY = "conformity", "Соответствие занимаемой должности"
        FIRST = "first", "Первая"
        HIGHEST = "highest", "Высшая"
        METHODIST = "methodist", "Педагог-методист"
        MENTOR = "mentor", "Педагог-наставник"

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="people"
    )
    surname = models.CharField("фамилия", max_length=100)
    name = models.CharField("имя", max_length=100)
    patronymic = models.CharField("отчество", max_length=100, blank=True)
    position = models.CharField("должность", max_length=200)
    qualification_category = models.CharField(
        "квалификационная категория", max_length=20, choices=Category.choices, default=Category.NONE
    )
    experience_years = models.PositiveSmallIntegerField("педагогический стаж, лет", null=True, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    phone = models.CharField(
        "телефон",
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^[0-9+()\-\s]{5,30}$", "Телефон: цифры, пробелы, скобки, + и -.")],
    )
    hired_on = models.DateField("принят на работу", null=True, blank=True)
    # The name by case where the rules (people.declension) get it wrong; blank means automatic.
    name_genitive = models.CharField("ФИО в родительном падеже (кого?)", max_length=310, blank=True)
    name_dative = models.CharField("ФИО в дательном падеже (кому?)", max_length=310, blank=True)
    name_accusative = models.CharField("ФИО в винительном падеже (кого?)", max_length=310, blank=True)
    name_instrumental = models.CharField("ФИО в творительном падеже (кем?)", max_length=310, blank=True)
    left_on = models.DateField("уволен", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="учётная запись",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    anonymized_at = models.DateTimeField("персональные данные уничтожены", null=True, blank=True, editable=False)
    # How each kind of notice reaches the person ({kind: "now" | "daily" | "weekly" | "off"}); see people.notices.
    notice_delivery = models.JSONField("доставка уведомлений", default=dict, blank=True)
    # Access to this organisation only: the login (user.is_active) serves the person's other organisations too,
    # and an administrator of one organisation must not switch off their work in another (person_account_toggle).
    access_disabled_at = models.DateTimeField("доступ в организацию отключён", null=True, blank=True, editable=False)
    # Lower-case «фамилия имя отчество» with ё→е: search and duplicate checks that behave the same on every database.
    name_key = models.CharField(max_length=310, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "работник"
        verbose_name_plural = "работники"
        ordering = ["surname", "name", "patronymic", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(user__isnull=False),
                name="person_one_account_per_org",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(hired_on__isnull=True)
                | models.Q(left_on__gte=models.F("hired_on")),
                name="person_left_after_hired",
            ),
        ]
        indexes = [models.Index(Lower("email"), name="person_email_lower")]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"surname", "name", "patronymic"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", args=[self.organization.slug, self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)

    @property
    def short_name(self) -> str:
        """«Иванова М. П.» — the form lists and signatures use."""
        return initials_name(self.surname, self.name, self.patronymic)

    @property
    def is_working(self) -> bool:
        return self.left_on is None

    @property
    def has_access(self) -> bool:
        return self.access_disabled_at is None

    # Fields that hold personal data and are destroyed by `anonymize`.
    PERSONAL_FIELDS = (
        "surname",
        "name",
        "patronymic",
        "position",
        "email",
        "phone",
        "hired_on",
        "left_on",
        "user",
        "name_genitive",
        "name_dative",
        "name_accusative",
        "name_instrumental",
    )

    def anonymize(self) -> list[str]:
        """Replace the person's personal data with an anonymous label; return the names of destroyed fields."""
        destroyed = [f for f in self.PERSONAL_FIELDS if getattr(self, f if f != "user" else "user_id")]
        self.surname = "Обезличено"
        self.name = f"№ {self.pk}"
        self.patronymic = ""
        self.name_genitive = self.name_dative = self.name_accusative = self.name_instrumental = ""
        self.position = ""
        self.email = ""
        self.phone = ""
        self.hired_on = None
        self.left_on = None
        self.user = None
        self.anonymized_at = timezone.now()
        self.save()
        return destroyed


class RoleQuerySet(models.QuerySet):
    def for_user(self, user) -> RoleQuerySet:
        return self.filter(
            person__user=user, person__left_on__isnull=True, person__access_disabled_at__isnull=True
        ).select_related("person", "person__organization")

    def for_org(self, org: Organization) -> RoleQuerySet:
        return self.filter(person__organization=org)


class Role(models.Model):
    """A role a staff member holds in their organisation; one person may hold several."""

    class Kind(models.TextChoices):
        HEAD = "head", "Руководитель"
        CURATOR = "curator", "Куратор"
        MENTOR = "mentor", "Наставник"
        MENTEE = "mentee", "Наставляемый"
        COUNCIL = "council", "Методический совет"
        ADMIN = "admin", "Администратор"

    person = models.ForeignKey(Person, verbose_name="работник", on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField("роль", max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField("назначена", auto_now_add=True)
    # Who gave the role: an administrator on the roles screen, the superuser in /admin/, the head who approved the
    # order behind it. Empty for roles made with the organisation's data (set-up, the demo, imports of old data).
    # A role that signs or approves is never given by its holder (people.roles.order_signer checks at signing).
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кем назначена",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ground = models.CharField("основание", max_length=200, blank=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = "роль"
        verbose_name_plural = "роли"
        ordering = ["person", "kind"]
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="role_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person.short_name} — {self.get_kind_display()}"


# Order in which roles are offered after login and listed in the role switcher.
ROLE_PRIORITY = [
    Role.Kind.HEAD,
    Role.Kind.CURATOR,
    Role.Kind.ADMIN,
    Role.Kind.COUNCIL,
    Role.Kind.MENTOR,
    Role.Kind.MENTEE,
]


class ReferenceItem(models.Model):
    """An entry of one of the organisation's reference lists. Entries with a code come from fixtures/."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    code = models.SlugField(
        "код",
        max_length=40,
        blank=True,
        help_text="Служебный код записи из типового справочника; у добавленных организацией записей пуст.",
    )
    name = models.CharField("наименование", max_length=200)
    description = models.TextField("пояснение", blank=True)
    position = models.PositiveSmallIntegerField("порядок", default=100)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def reference_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.UniqueConstraint(fields=["organization", "name"], name=f"{prefix}_unique_name"),
            models.UniqueConstraint(
                fields=["organization", "code"], condition=~models.Q(code=""), name=f"{prefix}_unique_code"
            ),
        ]


class MentoringForm(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "форма наставничества"
        verbose_name_plural = "формы наставничества"
        constraints = ReferenceItem.reference_constraints("mentoringform")


class MentoringKind(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "вид наставничества"
        verbose_name_plural = "виды наставничества"
        constraints = ReferenceItem.reference_constraints("mentoringkind")


class Direction(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "направление деятельности"
        verbose_name_plural = "направления деятельности"
        constraints = ReferenceItem.reference_constraints("direction")


class MenteeCategory(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "категория наставляемых"
        verbose_name_plural = "категории наставляемых"
        constraints = ReferenceItem.reference_constraints("menteecategory")


REFERENCE_LISTS: dict[str, type[ReferenceItem]] = {
    "forms": MentoringForm,
    "kinds": MentoringKind,
    "directions": Direction,
    "categories": MenteeCategory,
}
