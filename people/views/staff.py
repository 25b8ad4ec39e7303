"""Staff of an organisation, their roles and accounts, the organisation's card and reference lists."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from people import accounts, roles
from people.access import STAFF_EDITORS, STAFF_VIEWERS, OrgAccess, get_person_for_user, org_view
from people.audit import record
from people.changes import organization_changed
from people.filters import StaffFilter
from people.forms import AccountForm, OrganizationForm, PersonForm, RolesForm, reference_form_class
from people.models import REFERENCE_LISTS, AuditEvent, Person, Role

PAGE_SIZE = 25
ADMIN = Role.Kind.ADMIN
REFERENCE_EDITORS = (Role.Kind.ADMIN,)
REFERENCE_VIEWERS = (Role.Kind.ADMIN, Role.Kind.CURATOR)


def _page(request: HttpRequest, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


@org_view(*STAFF_VIEWERS)
def staff_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs = Person.objects.for_org(access.org).select_related("user", "organization")
    qs = qs.prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("kind")))
    filters = StaffFilter(request.GET, queryset=qs)
    context = {
        "access": access,
        "page": _page(request, filters.qs),
        **filters.values,
        "role_choices": Role.Kind.choices,
        "can_edit": access.has(*STAFF_EDITORS),
    }
    return render(request, "people/staff_list.html", context)


@org_view()
def person_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    person = get_person_for_user(access, pk)
    context = {
        "access": access,
        "person": person,
        "roles": list(person.roles.all()),
        "can_edit": access.has(*STAFF_EDITORS),
        "can_manage_roles": access.has(ADMIN),
    }
    return render(request, "people/person_detail.html", context)


@org_view()
def my_card(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    return redirect("people:person_detail", access.org.slug, access.person.pk)


@org_view(*STAFF_EDITORS)
def person_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    form = PersonForm(request.POST or None, organization=access.org)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, f"Работник {person.short_name} добавлен.")
        return redirect(person)
    return render(request, "people/person_form.html", {"access": access, "form": form, "person": None})


@org_view(*STAFF_EDITORS)
def person_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    person = get_person_for_user(access, pk, editing=True)
    form = PersonForm(request.POST or None, instance=person, organization=access.org)
    if request.method == "POST" and form.is_valid():
        form.save()
        organization_changed(access.org)  # one who left is no longer the curator the roadmap counts
        messages.success(request, "Изменения сохранены.")
        return redirect(person)
    return render(request, "people/person_form.html", {"access": access, "form": form, "person": person})


def _roles_change(person: Person, user, before: set[str], after: set[str]) -> str:
    """«работник № 12 (login): добавлены Куратор; сняты Наставник» — by number and login, not by name."""
    label = f"работник № {person.pk}" + (f" ({user.username})" if user else "")
    parts = []
    if after - before:
        parts.append("добавлены " + ", ".join(Role.Kind(k).label for k in sorted(after - before)))
    if before - after:
        parts.append("сняты " + ", ".join(Role.Kind(k).label for k in sorted(before - after)))
    return f"{label}: " + ("; ".join(parts) or "без изменений")


@org_view(ADMIN)
def person_roles(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    person = get_person_for_user(access, pk, editing=True)
    current = set(person.roles.values_list("kind", flat=True))
    # Not `request.POST or None`: unticking every role posts no fields, and that is an answer, not an unsent form.
    form = RolesForm(request.POST if request.method == "POST" else None, initial={"roles": sorted(current)})
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["roles"])
        own = person == access.person
        if own and ADMIN in current and ADMIN not in wanted:
            form.add_error("roles", "Нельзя снять роль администратора с самого себя: попросите другого администратора.")
        elif own and (refusal := roles.self_grant_error(access.org, wanted - current)):
            form.add_error("roles", refusal)
        else:
            with transaction.atomic():
                person.roles.filter(kind__in=current - wanted).delete()
                Role.objects.bulk_create(
                    [
                        Role(person=person, kind=k, granted_by=request.user, ground="экран ролей администратора")
                        for k in wanted - current
                    ]
                )
                organization_changed(access.org)
                record(
                    AuditEvent.Kind.ROLES_CHANGED,
                    request=request,
                    org=access.org,
                    detail=_roles_change(person, person.user, current, wanted),
                )
            messages.success(request, "Роли сохранены.")
            return redirect(person)
    return render(request, "people/person_roles.html", {"access": access, "form": form, "person": person})


@org_view(ADMIN)
def person_account(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """Give a staff member a login; they set their own password from the e-mailed link."""
    person = get_person_for_user(access, pk, editing=True)
    if person.user_id:
        return render(request, "people/person_account.html", {"access": access, "person": person, "form": None})
    form = AccountForm(request.POST or None, initial={"email": person.email})
    if request.method == "POST" and form.is_valid():
        user = accounts.create_account(person, username=form.cleaned_data["username"], email=form.cleaned_data["email"])
        accounts.send_invitation(user, request=request)
        messages.success(request, f"Учётная запись создана. Письмо для установки пароля отправлено на {user.email}.")
        return redirect(person)
    return render(request, "people/person_account.html", {"access": access, "person": person, "form": form})


@org_view(ADMIN)
@require_POST
def person_account_toggle(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """Switch the person's access to this organisation on or off.

    The login itself (user.is_active) is not touched: the same person may work in another organisation, whose
    administrator alone decides about access there. Whoever has no organisation left cannot log in
    (people.backends.StaffBackend).
    """
    person = get_person_for_user(access, pk, editing=True)
    if not person.user_id:
        raise Http404
    if person == access.person:
        messages.error(request, "Нельзя отключить собственный доступ: попросите другого администратора.")
        return redirect(person)
    person.access_disabled_at = None if person.access_disabled_at else timezone.now()
    person.save(update_fields=["access_disabled_at", "updated_at"])
    organization_changed(access.org)
    change = "разрешён" if person.has_access else "отключён"
    record(
        AuditEvent.Kind.ACCESS_CHANGED,
        request=request,
        org=access.org,
        detail=f"работник № {person.pk} ({person.user.username}): доступ в организацию {change}",
    )
    messages.success(request, f"Доступ в организацию {change}.")
    return redirect(person)


@org_view(ADMIN)
@require_POST
def person_account_invite(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    person = get_person_for_user(access, pk, editing=True)
    if not person.user_id or not person.user.email:
        messages.error(request, "У работника нет учётной записи с электронной почтой.")
    else:
        accounts.send_invitation(person.user, request=request)
        messages.success(request, f"Письмо для установки пароля отправлено на {person.user.email}.")
    return redirect(person)


@org_view(ADMIN, Role.Kind.HEAD)
def org_settings(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    form = OrganizationForm(request.POST or None, instance=access.org, editor=access.person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Сведения об организации сохранены.")
        return redirect("people:org_settings", access.org.slug)
    return render(request, "people/org_settings.html", {"access": access, "form": form})


@org_view(*REFERENCE_VIEWERS)
def reference_index(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    return redirect("people:reference_list", access.org.slug, next(iter(REFERENCE_LISTS)))


def _reference_model(key: str):
    try:
        return REFERENCE_LISTS[key]
    except KeyError:
        raise Http404 from None


@org_view(*REFERENCE_VIEWERS)
def reference_list(request: HttpRequest, access: OrgAccess, key: str) -> HttpResponse:
    model = _reference_model(key)
    can_edit = access.has(*REFERENCE_EDITORS)
    form = reference_form_class(model)(request.POST or None, organization=access.org)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            item = form.save()
            messages.success(request, f"Запись «{item.name}» добавлена.")
            return redirect("people:reference_list", access.org.slug, key)
    context = {
        "access": access,
        "key": key,
        "model_name": model._meta.verbose_name_plural,
        "items": model.objects.filter(organization=access.org),
        "lists": [(k, m._meta.verbose_name_plural) for k, m in REFERENCE_LISTS.items()],
        "form": form if can_edit else None,
        "can_edit": can_edit,
    }
    return render(request, "people/reference_list.html", context)


@org_view(*REFERENCE_EDITORS)
def reference_edit(request: HttpRequest, access: OrgAccess, key: str, pk: int) -> HttpResponse:
    model = _reference_model(key)
    item = get_object_or_404(model.objects.filter(organization=access.org), pk=pk)
    form = reference_form_class(model)(request.POST or None, instance=item, organization=access.org)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Изменения сохранены.")
        return redirect("people:reference_list", access.org.slug, key)
    context = {"access": access, "key": key, "item": item, "form": form, "model_name": model._meta.verbose_name}
    return render(request, "people/reference_edit.html", context)
