"""URLs of the monitoring app: its pages under /o/<org>/ (namespace «monitoring»), the public pages and the
municipal coordinator's pages (both included at the root by config/urls.py)."""

from django.urls import path

from monitoring.views import events, municipal, municipal_targets, needs, practices, publishing, questionnaires, reports

app_name = "monitoring"

urlpatterns = [
    # questionnaires.py
    path("questionnaires/", questionnaires.question_sets, name="question_sets"),
    path("questionnaires/new/", questionnaires.question_set_create, name="question_set_create"),
    path("questionnaires/<int:pk>/", questionnaires.question_set, name="question_set"),
    path("questionnaires/<int:pk>/copy/", questionnaires.question_set_copy, name="question_set_copy"),
    path("questionnaires/<int:pk>/questions/new/", questionnaires.question_create, name="question_create"),
    path("questionnaires/<int:pk>/questions/<int:item_pk>/", questionnaires.question_edit, name="question_edit"),
    path(
        "questionnaires/<int:pk>/questions/<int:item_pk>/delete/",
        questionnaires.question_delete,
        name="question_delete",
    ),
    path("questionnaires/<int:pk>/questions/<int:item_pk>/move/", questionnaires.question_move, name="question_move"),
    path("questionnaires/rounds/", questionnaires.survey_rounds, name="survey_rounds"),
    path("questionnaires/rounds/new/", questionnaires.round_launch, name="round_launch"),
    path("questionnaires/rounds/<int:pk>/", questionnaires.survey_round, name="survey_round"),
    path("questionnaires/rounds/<int:pk>/remind/", questionnaires.round_remind, name="round_remind"),
    path("questionnaires/rounds/<int:pk>/close/", questionnaires.round_close, name="round_close"),
    path("my/questionnaires/", questionnaires.my_questionnaires, name="my_questionnaires"),
    path("my/questionnaires/<int:pk>/", questionnaires.my_questionnaire, name="my_questionnaire"),
    # needs.py
    path("staff-surveys/", needs.needs_surveys, name="needs_surveys"),
    path("staff-surveys/new/", needs.needs_survey_launch, name="needs_survey_launch"),
    path("staff-surveys/<int:pk>/", needs.needs_survey, name="needs_survey"),
    path("staff-surveys/<int:pk>/close/", needs.needs_survey_close, name="needs_survey_close"),
    path("staff-surveys/<int:pk>/answers/<int:item_pk>/", needs.needs_answer_review, name="needs_answer_review"),
    path("my/staff-surveys/", needs.my_needs, name="my_needs"),
    path("my/staff-surveys/<int:pk>/", needs.my_needs_answer, name="my_needs_answer"),
    # reports.py
    path("reports/", reports.reports, name="reports"),
    path("reports/statistics.xlsx", reports.statistics, name="report_statistics"),
    path("reports/final.pdf", reports.final_pdf, name="report_final_pdf"),
    path("reports/conclusions/", reports.report_conclusions, name="report_conclusions"),
    path("reports/<slug:table>.<slug:fmt>", reports.report_export, name="report_export"),
    # practices.py
    path("practices/", practices.practice_list, name="practices"),
    path("practices/new/", practices.practice_create, name="practice_create"),
    path("practices/from-pair/<int:pk>/", practices.practice_from_pair, name="practice_from_pair"),
    path("practices/<int:pk>/", practices.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/edit/", practices.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/delete/", practices.practice_delete, name="practice_delete"),
    path("practices/<int:pk>/materials/", practices.material_add, name="material_add"),
    path("practices/<int:pk>/materials/<int:item_pk>/", practices.material_download, name="material_download"),
    path("practices/<int:pk>/materials/<int:item_pk>/delete/", practices.material_delete, name="material_delete"),
    # events.py
    path("events/", events.event_list, name="events"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/hold/", events.event_hold, name="event_hold"),
    path("events/<int:pk>/cancel/", events.event_cancel, name="event_cancel"),
    path("events/<int:pk>/publish/", events.event_publish, name="event_publish"),
    path("events/<int:pk>/materials/<int:item_pk>/", events.event_material, name="event_material"),
    path("final-event/", practices.final_event_list, name="final_events"),
    path("final-event/new/", practices.final_event_create, name="final_event_create"),
    path("final-event/<int:pk>/", practices.final_event_detail, name="final_event_detail"),
    path("final-event/<int:pk>/edit/", practices.final_event_edit, name="final_event_edit"),
    path("final-event/<int:pk>/order/", practices.final_event_order, name="final_event_order"),
    path("final-event/<int:pk>/recommend/", practices.final_event_recommend, name="final_event_recommend"),
    path("final-event/<int:pk>/reward-order/", practices.final_event_reward_order, name="final_event_reward_order"),
    # publishing.py
    path("publishing/", publishing.publishing, name="publishing"),
    path("publishing/preview/", publishing.publishing_preview, name="publishing_preview"),
    path("publishing/news/", publishing.news_list, name="publishing_news"),
    path("publishing/news/new/", publishing.news_create, name="publishing_news_create"),
    path("publishing/news/<int:pk>/", publishing.news_edit, name="publishing_news_edit"),
    path("publishing/news/<int:pk>/publish/", publishing.news_publish, name="publishing_news_publish"),
    path("publishing/news/<int:pk>/delete/", publishing.news_delete, name="publishing_news_delete"),
    path("publishing/results/", publishing.results_list, name="publishing_results"),
    path("publishing/results/<int:pk>/", publishing.result_edit, name="publishing_result_edit"),
    path("publishing/results/<int:pk>/publish/", publishing.result_publish, name="publishing_result_publish"),
]


# The organisation's public page: no sign-in, /p/<org>/.
public_urlpatterns = [
    # events.py — the calendar feed: the secret token in the address is the only key (calendar apps do not sign in)
    path("calendar/<str:token>.ics", events.calendar_feed, name="calendar_feed"),
    # publishing.py
    path("p/<slug:org>/", publishing.public_page, name="public_page"),
    path("p/<slug:org>/embed/", publishing.public_embed, name="public_embed"),
    path("p/<slug:org>/regulation.pdf", publishing.public_regulation_pdf, name="public_regulation_pdf"),
    path("p/<slug:org>/roadmap.pdf", publishing.public_roadmap_pdf, name="public_roadmap_pdf"),
    path(
        "p/<slug:org>/practices/<int:pk>/files/<int:file_pk>/",
        publishing.public_practice_file,
        name="public_practice_file",
    ),
]

# The municipal coordinator's pages, under /m/<municipality>/ (no organisation in the address).
municipal_urlpatterns = [
    # municipal.py
    path("m/<slug:municipality>/", municipal.municipal_home, name="municipal_home"),
    path("m/<slug:municipality>/recompute/", municipal.municipal_recompute, name="municipal_recompute"),
    path("m/<slug:municipality>/jobs/<int:pk>/", municipal.municipal_job, name="municipal_job"),
    path(
        "m/<slug:municipality>/jobs/<int:pk>/progress/",
        municipal.municipal_job_progress,
        name="municipal_job_progress",
    ),
    path("m/<slug:municipality>/export/<str:fmt>/", municipal.municipal_export, name="municipal_export"),
    path("m/<slug:municipality>/statistics/", municipal.municipal_statistics, name="municipal_statistics"),
    # municipal_targets.py
    path("m/<slug:municipality>/targets/", municipal_targets.municipal_targets, name="municipal_targets"),
    path("m/<slug:municipality>/status/", municipal_targets.municipal_status, name="municipal_status"),
]
