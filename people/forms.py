from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm

from people.models import Organization, Person, ReferenceItem, Role
from people.text import clean_spaces

User = get_user_model()


class LoginForm(AuthenticationForm):
    """Login with a message that does not tell which half was wrong."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock.",
        "inactive": "Учётная запись отключена. Обратитесь к администратору организации.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Логин"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = "Пароль"


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "surname",
            "name",
            "patronymic",
            "position",
            "qualification_category",
            "experience_years",
            "email",
            "phone",
            "hired_on",
            "left_on",
        ]
        widgets = {
            "hired_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"left_on": "Заполните, если работник уволился: он останется в истории, но пропадёт из списков."}

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean(self) -> dict:
        data = super().clean()
        for name in ("surname", "name", "patronymic", "position"):
            if data.get(name):
                data[name] = clean_spaces(data[name])
        hired, left = data.get("hired_on"), data.get("left_on")
        if hired and left and left < hired:
            self.add_error("left_on", "Дата увольнения не может быть раньше даты приёма.")
        if data.get("experience_years") is not None and data["experience_years"] > 70:
            self.add_error("experience_years", "Стаж больше 70 лет — проверьте число.")
        return data

    def save(self, commit: bool = True) -> Person:
        self.instance.organization = self.organization
        return super().save(commit)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Роли в организации",
        choices=Role.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AccountForm(forms.Form):
    username = forms.SlugField(
        label="Логин",
        max_length=150,
        help_text="Латинские буквы, цифры, дефис и подчёркивание.",
    )
    email = forms.EmailField(
        label="Электронная почта",
        help_text="Сюда придёт письмо со ссылкой для установки пароля.",
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].lower()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Этот логин уже занят — выберите другой.")
        return username


class OrganizationForm(forms.ModelForm):
    site = forms.URLField(label="Официальный сайт", required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["full_name", "short_name", "kind", "municipality", "region", "address", "site", "email", "phone"]


class ReferenceItemForm(forms.ModelForm):
    """Base for the forms of all reference lists; the model is set by `reference_form_class`."""

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization

    def clean_name(self) -> str:
        name = clean_spaces(self.cleaned_data["name"])
        # Compared in Python: SQLite's iexact ignores case for Latin letters only. A list has a few dozen entries.
        others = type(self.instance).objects.filter(organization=self.instance.organization)
        taken = others.exclude(pk=self.instance.pk).values_list("name", flat=True)
        if name.casefold() in {other.casefold() for other in taken}:
            raise forms.ValidationError("Такая запись в справочнике уже есть.")
        return name


def reference_form_class(model: type[ReferenceItem]) -> type[ReferenceItemForm]:
    return forms.modelform_factory(
        model,
        form=ReferenceItemForm,
        fields=["name", "description", "position", "is_active"],
        widgets={"description": forms.Textarea(attrs={"rows": 2})},
    )
