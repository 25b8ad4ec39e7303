"""URLs of the people app, under /o/<org>/. Each views module keeps its own patterns beside its views."""

from django.urls import path

from people.views import banks, consents, imports, staff

app_name = "people"

urlpatterns = [
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/new/", staff.person_create, name="person_create"),
    path("staff/<int:pk>/", staff.person_detail, name="person_detail"),
    path("staff/<int:pk>/edit/", staff.person_edit, name="person_edit"),
    path("staff/<int:pk>/roles/", staff.person_roles, name="person_roles"),
    path("staff/<int:pk>/account/", staff.person_account, name="person_account"),
    path("staff/<int:pk>/account/toggle/", staff.person_account_toggle, name="person_account_toggle"),
    path("staff/<int:pk>/account/invite/", staff.person_account_invite, name="person_account_invite"),
    path("me/", staff.my_card, name="my_card"),
    path("settings/", staff.org_settings, name="org_settings"),
    path("reference/", staff.reference_index, name="reference_index"),
    path("reference/<slug:key>/", staff.reference_list, name="reference_list"),
    path("reference/<slug:key>/<int:pk>/", staff.reference_edit, name="reference_edit"),
    *imports.urlpatterns,
    *consents.urlpatterns,
    *banks.urlpatterns,
]
