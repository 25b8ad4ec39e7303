"""Where orders and roadmaps keep a person's personal data (see people.personal_data)."""

from __future__ import annotations

from people.personal_data import BLANK, KEEP, NAME, Place, register

register(
    Place(
        "roadmap.OrderEvent",
        BLANK,
        ("comment",),
        code="acknowledgement_events",
        reach="actor__people",
        where={"action": "acknowledged"},
        label="отметки об ознакомлении с приказами (ФИО в истории приказа)",
    ),
    Place(
        "roadmap.OrderEvent",
        NAME,
        ("comment",),
        code="order_comment_mentions",
        reach="order__organization",
        label="упоминания в комментариях к приказам",
    ),
    Place(
        "roadmap.Order",
        KEEP,
        (
            "heading",
            "preamble",
            "items",
            "control_item",
            "end_reason",
            "start_rule",
            "event_place",
            "frozen",
            "frozen_sha256",
            "reg_number",
            "signer_position",
            "signer_name",
            "pdf",
            "pdf_sha256",
            "scan",
            "scan_sha256",
        ),
        why="приказ (и скан приказа, подписанного на бумаге) — документ организации, хранится по номенклатуре дел "
        "вместе с подписанным экземпляром; "
        "уничтожается по истечении срока хранения дела, а не по отзыву согласия",
    ),
    Place(
        "roadmap.RoadmapActivity",
        KEEP,
        (
            "number",
            "content",
            "deadline_text",
            "responsible_position",
            "expected_result",
            "note",
            "evidence",
            "check_code",
        ),
        why="мероприятие дорожной карты организации; ответственный назван ссылкой на обезличенную карточку",
    ),
    Place("roadmap.Roadmap", KEEP, ("title", "period_label"), why="название и период дорожной карты"),
    Place("roadmap.RoadmapStage", KEEP, ("number", "title"), why="этап дорожной карты"),
    Place("roadmap.Regulation", KEEP, ("title", "body", "council_number"), why="положение о наставничестве"),
    Place(
        "roadmap.TrackingChange",
        KEEP,
        ("old_value", "new_value"),
        why="журнал связей дорожной карты с этапами модели и проверками: номера этапов и коды проверок",
    ),
    Place(
        "roadmap.RoadmapImport",
        KEEP,
        ("file_name", "report"),
        why="отчёт об импорте дорожной карты: её разделы, номера и тексты мероприятий, как в самой дорожной карте",
    ),
)

register(
    Place(
        "roadmap.OrderSignature",
        KEEP,
        ("signer_name", "position", "key_id", "document_sha256", "token"),
        why="электронная подпись — часть утверждённого приказа (63-ФЗ, ст. 9): хранится вместе с подписанным "
        "экземпляром по номенклатуре дел, как ФИО и должность в подписи самого приказа",
    ),
    Place(
        "roadmap.Certificate",
        KEEP,
        ("facts", "signer_position", "signer_name", "esign_token", "esign_key_id"),
        why="справка об участии или благодарственное письмо — документ организации, зарегистрированный в журнале с "
        "номером и датой; хранится по номенклатуре дел, а не до отзыва согласия",
    ),
)
