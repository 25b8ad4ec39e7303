"""URLs of the mentoring app: its pages under /o/<org>/ (namespace «mentoring») and the calendar feeds (included at
the root by config/urls.py)."""

from django.urls import path

from mentoring.views import (
    calendar,
    choosing,
    coauthor,
    council,
    matching,
    meetings,
    pair_requests,
    pairs,
    programmes,
    short_forms,
    templates,
)

app_name = "mentoring"

# A pair's programme pages.
P = "pairs/<int:pk>/programme/"

urlpatterns = [
    # matching.py
    path("matching/", matching.matching, name="matching"),
    path("matching/accept/", matching.matching_accept, name="matching_accept"),
    path("matching/mentee/<int:pk>/", matching.mentee_matches, name="mentee_matches"),
    path("matching/mentee/<int:pk>/choose/", matching.match_choose, name="match_choose"),
    # choosing.py
    path("choose-mentor/", choosing.choose_mentor, name="choose_mentor"),
    path("pairs/<int:pk>/confirm/", choosing.pair_confirm, name="pair_confirm"),
    path("pairs/<int:pk>/decline/", choosing.pair_decline, name="pair_decline"),
    # pairs.py
    path("pairs/", pairs.pair_list, name="pairs"),
    path("pairs/new/", pairs.mentorship_create, name="mentorship_create"),
    path("pairs/<int:pk>/", pairs.mentorship_detail, name="mentorship_detail"),
    path("pairs/<int:pk>/edit/", pairs.mentorship_edit, name="mentorship_edit"),
    path("pairs/<int:pk>/delete/", pairs.mentorship_delete, name="mentorship_delete"),
    *[
        path(
            f"pairs/<int:pk>/{action.replace('_', '-')}/",
            pairs.mentorship_transition,
            {"action": action},
            name=f"mentorship_{action}",
        )
        for action in ("propose", "withdraw", "complete", "end_early")
    ],
    # meetings.py
    path("pairs/<int:pk>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("pairs/<int:pk>/meetings/<int:meeting>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("pairs/<int:pk>/meetings/<int:meeting>/feedback/", meetings.meeting_feedback, name="meeting_feedback"),
    # pair_requests.py
    path("pairs/<int:pk>/ask/", pair_requests.mentorship_ask, name="mentorship_ask"),
    path("pairs/requests/", pair_requests.request_list, name="change_requests"),
    path("pairs/requests/<int:pk>/decide/", pair_requests.request_decide, name="change_request_decide"),
    path("pairs/support/<int:pk>/", pair_requests.support_page, name="support"),
    # programmes.py
    path(P, programmes.programme_page, name="programme"),
    path(P + "create/", programmes.programme_create, name="programme_create"),
    path(P + "note/", programmes.programme_note, name="programme_note"),
    path(P + "rows/new/", programmes.row_new, name="programme_row_new"),
    path(P + "rows/summary/", programmes.plan_summary_fragment, name="programme_plan_summary"),
    path(P + "rows/<int:row>/", programmes.row_detail, name="programme_row"),
    path(P + "rows/<int:row>/edit/", programmes.row_edit, name="programme_row_edit"),
    path(P + "rows/<int:row>/delete/", programmes.row_delete, name="programme_row_delete"),
    path(P + "rows/<int:row>/reflection/", programmes.row_reflection, name="programme_row_reflection"),
    path(P + "send/", programmes.programme_send, name="programme_send"),
    path(P + "acknowledge/", programmes.programme_acknowledge, name="programme_acknowledge"),
    path(P + "comment/", programmes.programme_comment, name="programme_comment"),
    path(P + "approve/", programmes.programme_approve, name="programme_approve"),
    path(P + "return/", programmes.programme_return, name="programme_return"),
    path(P + "council/agree/", programmes.programme_council_agree, name="programme_council_agree"),
    path(P + "council/return/", programmes.programme_council_return, name="programme_council_return"),
    path(P + "extend/", programmes.programme_extend, name="programme_extend"),
    path(P + "correction/", programmes.programme_correction, name="programme_correction"),
    path(P + "change/agree/", programmes.change_agree, name="programme_change_agree"),
    path(P + "change/decline/", programmes.change_decline, name="programme_change_decline"),
    path(P + "change/approve/", programmes.change_approve, name="programme_change_approve"),
    path(P + "change/return/", programmes.change_return, name="programme_change_return"),
    path(P + "change/withdraw/", programmes.change_withdraw, name="programme_change_withdraw"),
    path(P + "versions/<int:number>/", programmes.programme_version, name="programme_version"),
    path(P + "pdf/", programmes.programme_pdf, name="programme_pdf"),
    # coauthor.py
    path(P + "remarks/new/", coauthor.remark_new, name="remark_new"),
    path(P + "remarks/<int:remark>/accept/", coauthor.remark_accept, name="remark_accept"),
    path(P + "remarks/<int:remark>/answer/", coauthor.remark_answer, name="remark_answer"),
    # templates.py
    path("templates/", templates.template_list, name="templates"),
    path("templates/new/", templates.template_new, name="template_new"),
    path("templates/<int:pk>/", templates.template_edit, name="template_edit"),
    path("templates/<int:pk>/preview/", templates.template_preview, name="template_preview"),
    path("templates/<int:pk>/copy/", templates.template_copy, name="template_copy"),
    path("templates/<int:pk>/archive/", templates.template_archive, name="template_archive"),
    # short_forms.py
    path("short/", short_forms.short_list, name="short_list"),
    path("short/new/", short_forms.short_create, name="short_create"),
    path("short/<int:pk>/", short_forms.short_detail, name="short_detail"),
    path("short/<int:pk>/edit/", short_forms.short_edit, name="short_edit"),
    path("short/<int:pk>/delete/", short_forms.short_delete, name="short_delete"),
    # council.py
    path("council/proposals/", council.proposal_list, name="council_proposals"),
    path("council/proposals/new/", council.proposal_new, name="council_proposal_new"),
    path("council/proposals/<int:pk>/accept/", council.proposal_accept, name="council_proposal_accept"),
    path("council/proposals/<int:pk>/decline/", council.proposal_decline, name="council_proposal_decline"),
    # calendar.py
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/new-address/", calendar.calendar_regenerate, name="calendar_regenerate"),
]


# Calendar feeds are served by monitoring.views.events.calendar_feed, which adds the programme's events to
# mentoring.views.calendar.feed_events.
public_urlpatterns: list = []
