"""URLs of the people app, under /o/<org>/: staff, reference lists, imports, consents, the banks and training."""

from django.urls import path

from people.views import bank_helpers, consents, imports, jobs, mentee_bank, mentor_bank, notices, staff, training
from people.views.authenticator import authenticator, authenticator_remove

app_name = "people"

urlpatterns = [
    # staff.py
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/new/", staff.person_create, name="person_create"),
    path("staff/<int:pk>/", staff.person_detail, name="person_detail"),
    path("staff/<int:pk>/edit/", staff.person_edit, name="person_edit"),
    path("staff/<int:pk>/roles/", staff.person_roles, name="person_roles"),
    path("staff/<int:pk>/account/", staff.person_account, name="person_account"),
    path("staff/<int:pk>/account/toggle/", staff.person_account_toggle, name="person_account_toggle"),
    path("staff/<int:pk>/account/invite/", staff.person_account_invite, name="person_account_invite"),
    path("me/", staff.my_card, name="my_card"),
    path("authenticator/", authenticator, name="authenticator"),
    path("authenticator/remove/", authenticator_remove, name="authenticator_remove"),
    path("notices/<int:pk>/hide/", notices.notice_dismiss, name="notice_dismiss"),
    path("notices/", notices.notice_list, name="notices"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", jobs.job_progress, name="job_progress"),
    path("jobs/<int:pk>/file/", jobs.job_file, name="job_file"),
    path("notices/read-all/", notices.notice_read_all, name="notices_read_all"),
    path("notices/settings/", notices.notice_settings, name="notice_settings"),
    path("notices/<int:pk>/open/", notices.notice_open, name="notice_open"),
    path("settings/", staff.org_settings, name="org_settings"),
    path("reference/", staff.reference_index, name="reference_index"),
    path("reference/<slug:key>/", staff.reference_list, name="reference_list"),
    path("reference/<slug:key>/<int:pk>/", staff.reference_edit, name="reference_edit"),
    # imports.py
    path("staff/import/", imports.staff_import, name="staff_import"),
    path("staff/import/template/", imports.staff_import_template, name="staff_import_template"),
    path("staff/import/<int:pk>/", imports.staff_import_preview, name="staff_import_preview"),
    path("staff/import/<int:pk>/confirm/", imports.staff_import_confirm, name="staff_import_confirm"),
    path("staff/import/<int:pk>/cancel/", imports.staff_import_cancel, name="staff_import_cancel"),
    path("staff/import/<int:pk>/result/", imports.staff_import_result, name="staff_import_result"),
    path("staff/import/<int:pk>/to-fix.xlsx", imports.staff_import_to_fix, name="staff_import_to_fix"),
    path("staff/export/<str:fmt>/", imports.staff_export, name="staff_export"),
    # consents.py
    path("consents/texts/", consents.consent_texts, name="consent_texts"),
    path("consents/texts/<slug:purpose>/", consents.consent_text, name="consent_text"),
    path("consents/texts/<slug:purpose>/edit/", consents.consent_text_edit, name="consent_text_edit"),
    path("consents/texts/<slug:purpose>/v<int:version>/", consents.consent_text, name="consent_text_version"),
    path("consents/purge-log/", consents.purge_log, name="purge_log"),
    path("consents/operator/", consents.consent_operator, name="consent_operator"),
    path("staff/<int:pk>/consents/", consents.person_consents, name="person_consents"),
    path("staff/<int:pk>/consents/new/", consents.consent_register, name="consent_register"),
    path("staff/<int:pk>/consents/<int:consent_pk>/withdraw/", consents.consent_withdraw, name="consent_withdraw"),
    path("staff/<int:pk>/consents/<int:consent_pk>/scan/", consents.consent_scan, name="consent_scan"),
    path("staff/<int:pk>/consents/<slug:purpose>/pdf/", consents.consent_pdf, name="consent_pdf"),
    path("my/consents/", consents.my_consents, name="my_consents"),
    path("my/consents/<slug:purpose>/give/", consents.my_consent_give, name="my_consent_give"),
    path("my/consents/<slug:purpose>/withdraw/", consents.my_consent_withdraw, name="my_consent_withdraw"),
    path("my/consents/<slug:purpose>/pdf/", consents.my_consent_pdf, name="my_consent_pdf"),
    path("my/consents/<int:consent_pk>/scan/", consents.my_consent_scan, name="my_consent_scan"),
    # mentee_bank.py
    path("bank/mentees/", bank_helpers.bank_list, {"bank": mentee_bank.MENTEES}, name="mentee_bank"),
    path("bank/mentees/export/", bank_helpers.bank_export, {"bank": mentee_bank.MENTEES}, name="mentee_bank_export"),
    path("bank/mentees/new/", mentee_bank.mentee_create, name="mentee_create"),
    path("bank/mentees/<int:pk>/", bank_helpers.entry_detail, {"bank": mentee_bank.MENTEES}, name="mentee_detail"),
    path("bank/mentees/<int:pk>/edit/", mentee_bank.mentee_edit, name="mentee_edit"),
    path(
        "bank/mentees/<int:pk>/status/", bank_helpers.entry_status, {"bank": mentee_bank.MENTEES}, name="mentee_status"
    ),
    path("bank/without-consent/", mentee_bank.without_consent, name="bank_without_consent"),
    path("my/request/", mentee_bank.my_request, name="my_request"),
    # mentor_bank.py
    path("bank/mentors/", bank_helpers.bank_list, {"bank": mentor_bank.MENTORS}, name="mentor_bank"),
    path("bank/mentors/export/", bank_helpers.bank_export, {"bank": mentor_bank.MENTORS}, name="mentor_bank_export"),
    path("bank/mentors/new/", mentor_bank.mentor_create, name="mentor_create"),
    path("bank/mentors/<int:pk>/", bank_helpers.entry_detail, {"bank": mentor_bank.MENTORS}, name="mentor_detail"),
    path("bank/mentors/<int:pk>/edit/", mentor_bank.mentor_edit, name="mentor_edit"),
    path(
        "bank/mentors/<int:pk>/status/", bank_helpers.entry_status, {"bank": mentor_bank.MENTORS}, name="mentor_status"
    ),
    path("bank/mentors/<int:pk>/review/", mentor_bank.mentor_review, name="mentor_review"),
    path("my/questionnaire/", mentor_bank.my_questionnaire, name="my_questionnaire"),
    # training.py
    path("bank/trainings/", training.training_list, name="training_list"),
    path("bank/trainings/new/", training.training_create, name="training_create"),
    path("bank/trainings/<int:pk>/", training.training_detail, name="training_detail"),
    path("bank/trainings/<int:pk>/edit/", training.training_edit, name="training_edit"),
]
