"""Issue 15: the head confirms an approval with a one-time code. Organisations that already work keep approving
as before (False for existing rows); a new organisation starts with the code on."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0013_person_name_cases"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="approval_code",
            field=models.BooleanField(default=False, verbose_name="Подтверждать утверждение одноразовым кодом"),
        ),
        migrations.AlterField(
            model_name="organization",
            name="approval_code",
            field=models.BooleanField(
                default=True,
                help_text="Руководитель подтверждает утверждение каждого приказа кодом из приложения-аутентификатора "
                "или из письма — простая электронная подпись по положению организации об электронном "
                "документообороте.",
                verbose_name="Подтверждать утверждение одноразовым кодом",
            ),
        ),
    ]
