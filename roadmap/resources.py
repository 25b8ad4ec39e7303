"""Spreadsheet exports of the roadmap app: the order book (книга приказов) of the organisation."""

from __future__ import annotations

from import_export.fields import Field
from import_export.widgets import DateWidget

from core.exports import SafeExportResource
from core.text import initials_name
from people import declension
from roadmap.models import Order


class OrderBookResource(SafeExportResource):
    """The register of orders as a table; expects the register's queryset (with `ack_total` and `ack_done`)
    and the acknowledgements prefetched with their people (roadmap.views.orders.order_export)."""

    date = Field(column_name="Дата", widget=DateWidget(coerce_to_string=False))  # a date cell, not text
    reg_number = Field(column_name="№")
    heading = Field(column_name="Заголовок")
    kind = Field(column_name="Вид приказа")
    status = Field(column_name="Состояние")
    signer = Field(column_name="Подписал")
    acknowledged = Field(column_name="Ознакомлены")
    acknowledgements = Field(column_name="Лист ознакомления (дата ознакомления)")
    author = Field(column_name="Подготовил")
    sha256 = Field(column_name="SHA-256 PDF")

    class Meta:
        model = Order
        fields = [
            "date",
            "reg_number",
            "heading",
            "kind",
            "status",
            "signer",
            "acknowledged",
            "acknowledgements",
            "author",
            "sha256",
        ]
        export_order = fields

    def dehydrate_date(self, order: Order):
        """A date cell (shown ДД.ММ.ГГГГ in the workbook), not text: the register sorts and filters by it."""
        return order.date

    def dehydrate_reg_number(self, order: Order) -> str:
        return order.reg_number

    def dehydrate_heading(self, order: Order) -> str:
        return order.heading

    def dehydrate_kind(self, order: Order) -> str:
        return order.get_kind_display()

    def dehydrate_status(self, order: Order) -> str:
        return order.get_status_display() + (" (подписан на бумаге)" if order.is_paper else "")

    def dehydrate_signer(self, order: Order) -> str:
        return f"{order.signer_position} {order.signer_name}".strip()

    def dehydrate_acknowledged(self, order: Order) -> str:
        total = getattr(order, "ack_total", 0)
        return f"{getattr(order, 'ack_done', 0)} из {total}" if total else ""

    def dehydrate_acknowledgements(self, order: Order) -> str:
        """«Иванова М. П. — 05.12.2026; Петров С. А. — не ознакомлен»; needs the acknowledgements prefetched."""
        if order.status != Order.Status.APPROVED:
            return ""
        return "; ".join(f"{ack.person.short_name} — {_acknowledged(ack)}" for ack in order.acknowledgements.all())

    def dehydrate_author(self, order: Order) -> str:
        """«Белоусова Н. С.»: from the author's staff card in the organisation (annotated `author_*` by the view),
        else from the login's own name."""
        if getattr(order, "author_surname", None):
            return initials_name(order.author_surname, order.author_name, order.author_patronymic)
        user = order.created_by
        if user is None:
            return ""
        return initials_name(user.last_name, user.first_name) if user.last_name else user.username

    def dehydrate_sha256(self, order: Order) -> str:
        return order.scan_sha256 if order.is_paper else order.pdf_sha256  # a paper order's PDF is its scan


def _acknowledged(ack) -> str:
    if ack.acknowledged_at:
        return f"{ack.acknowledged_at:%d.%m.%Y}"
    return "не " + declension.gendered(ack.person, "ознакомлен", "ознакомлена")
