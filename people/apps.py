from django.apps import AppConfig


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = "Организации и работники"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from people import audit
        from people.setup import set_up_after_migrate

        audit.connect()
        # Sent for every app: with sender=self the organisations are set up once per migrate.
        post_migrate.connect(set_up_after_migrate, sender=self, dispatch_uid="people.set_up_after_migrate")
        _refuse_out_of_range_ids()


def _refuse_out_of_range_ids() -> None:
    """A forged id too large for the database is an invalid choice, not a server error.

    Django's multiple-choice model field catches ValueError and TypeError for a bad id but not the
    OverflowError SQLite raises for an integer past 64 bits (PostgreSQL already answers «invalid choice»);
    the security suite's form fuzzing found it. The single-choice field is not affected.
    """
    from django import forms
    from django.core.exceptions import ValidationError

    check_values = forms.ModelMultipleChoiceField._check_values

    def _check_values(self, value):
        try:
            return check_values(self, value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": "…"}
            ) from None

    forms.ModelMultipleChoiceField._check_values = _check_values
