"""``manage.py add_municipal_coordinator``: set up a municipality, its coordinator's login and its organisations.

    manage.py add_municipal_coordinator --municipality verkhnerechinsk --name "Городской округ Верхнеречинск" \
        --username uo-verkhnerechinsk --email uo@example.ru --org ds-solnyshko --org school-7

Creates the municipality if it does not exist, creates the coordinator's account without a password and sends
the set-password link to the e-mail (or prints a one-time link when no e-mail is given), and attaches the
listed organisations. Running it again with the same arguments changes nothing and sends a new link.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from people.accounts import PasswordLinkForm
from people.models import Municipality, Organization, Person

INVITE_SUBJECT = "monitoring/municipal/coordinator_invite_subject.txt"
INVITE_EMAIL = "monitoring/municipal/coordinator_invite_email.txt"


class Command(BaseCommand):
    help = (
        "Создаёт муниципалитет (если его нет) и учётную запись его координатора, присоединяет к муниципалитету "
        "организации; ссылку для установки пароля отправляет письмом или печатает."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="Код муниципалитета в адресе (slug).")
        parser.add_argument("--name", default="", help="Наименование муниципалитета (нужно, если его ещё нет).")
        parser.add_argument("--region", default="", help="Субъект Российской Федерации.")
        parser.add_argument("--username", required=True, help="Логин координатора.")
        parser.add_argument("--email", default="", help="Почта координатора: на неё придёт ссылка для пароля.")
        parser.add_argument("--first-name", default="", help="Имя координатора (для обращения в письме).")
        parser.add_argument("--last-name", default="", help="Фамилия координатора.")
        parser.add_argument(
            "--org", action="append", default=[], help="Код организации, входящей в муниципалитет; можно повторять."
        )
        parser.add_argument(
            "--site",
            default="http://localhost:8000",
            help="Адрес системы для ссылки, например https://nastavnik.example.ru.",
        )

    def handle(self, *args, **options):
        slug, username, email = options["municipality"], options["username"].strip(), options["email"].strip()
        self.validate(slug, username, email, options["site"])
        with transaction.atomic():
            municipality, created = self.municipality(slug, options["name"].strip(), options["region"].strip())
            user, user_created = self.coordinator(municipality, username, email, options)
            orgs = self.attach(municipality, options["org"])
        verb = "создан" if created else "уже был"
        self.stdout.write(f"Муниципалитет «{municipality.name}» ({municipality.slug}) {verb}.")
        if orgs:
            self.stdout.write("Организации муниципалитета: " + ", ".join(org.short_name for org in orgs) + ".")
        self.stdout.write(f"Координатор: {user.username} ({'новая учётная запись' if user_created else 'уже был'}).")
        self.send_link(user, options["site"])

    # --- steps -------------------------------------------------------------------------------------------------

    def validate(self, slug: str, username: str, email: str, site: str) -> None:
        try:
            validate_slug(slug)
        except ValidationError:
            raise CommandError("--municipality: латинские буквы, цифры, дефис и подчёркивание.") from None
        if not username:
            raise CommandError("--username не может быть пустым.")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f"--email: «{email}» — не адрес электронной почты.") from None
        parts = urlsplit(site)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CommandError("--site: полный адрес системы, например https://nastavnik.example.ru.")

    def municipality(self, slug: str, name: str, region: str) -> tuple[Municipality, bool]:
        municipality = Municipality.objects.select_for_update().filter(slug=slug).first()
        if municipality is not None:
            return municipality, False
        if not name:
            raise CommandError(f"Муниципалитета «{slug}» ещё нет: укажите его наименование в --name.")
        return Municipality.objects.create(slug=slug, name=name, region=region), True

    def coordinator(self, municipality: Municipality, username: str, email: str, options) -> tuple:
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if municipality.coordinator_id and municipality.coordinator_id != getattr(user, "pk", None):
            raise CommandError(
                f"У муниципалитета «{municipality.name}» уже есть координатор ({municipality.coordinator}). "
                "Снимите его в администрировании, затем повторите команду."
            )
        if user is not None:
            # A coordinator sees figures only; a staff account would open people's data of its organisation.
            if Person.objects.filter(user=user).exists():
                raise CommandError(f"«{username}» — учётная запись работника организации; заведите отдельную.")
            if Municipality.objects.filter(coordinator=user).exclude(pk=municipality.pk).exists():
                raise CommandError(f"«{username}» уже координирует другой муниципалитет.")
            if email and user.email != email:
                user.email = email
                user.save(update_fields=["email"])
            created = False
        else:
            user = User.objects.create_user(
                username=username,
                email=email,
                first_name=options["first_name"].strip(),
                last_name=options["last_name"].strip(),
            )
            created = True
        if municipality.coordinator_id != user.pk:
            municipality.coordinator = user
            municipality.save(update_fields=["coordinator"])
        return user, created

    def attach(self, municipality: Municipality, slugs: list[str]) -> list[Organization]:
        orgs = list(Organization.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {org.slug for org in orgs})
        if missing:
            raise CommandError("Нет организаций с кодом: " + ", ".join(missing) + ".")
        Organization.objects.filter(pk__in=[org.pk for org in orgs]).update(municipal_unit=municipality)
        return sorted(orgs, key=lambda org: org.short_name)

    def send_link(self, user, site: str) -> None:
        parts = urlsplit(site)
        if user.email:
            form = PasswordLinkForm(user)
            if form.is_valid():
                form.save(
                    domain_override=parts.netloc,
                    use_https=parts.scheme == "https",
                    subject_template_name=INVITE_SUBJECT,
                    email_template_name=INVITE_EMAIL,
                )
            self.stdout.write(self.style.SUCCESS(f"Ссылка для установки пароля отправлена на {user.email}."))
            return
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        path = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
        self.stdout.write(
            self.style.SUCCESS("Почта не указана. Передайте координатору одноразовую ссылку (действует три дня):")
        )
        self.stdout.write(f"{parts.scheme}://{parts.netloc}{path}")
