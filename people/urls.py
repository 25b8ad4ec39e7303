from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.person_create, name="person_create"),
    path("staff/<int:pk>/", views.person_detail, name="person_detail"),
    path("staff/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("staff/<int:pk>/roles/", views.person_roles, name="person_roles"),
    path("staff/<int:pk>/account/", views.person_account, name="person_account"),
    path("staff/<int:pk>/account/toggle/", views.person_account_toggle, name="person_account_toggle"),
    path("staff/<int:pk>/account/invite/", views.person_account_invite, name="person_account_invite"),
    path("me/", views.my_card, name="my_card"),
    path("settings/", views.org_settings, name="org_settings"),
    path("reference/", views.reference_index, name="reference_index"),
    path("reference/<slug:key>/", views.reference_list, name="reference_list"),
    path("reference/<slug:key>/<int:pk>/", views.reference_edit, name="reference_edit"),
]
