from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mentoring import views
from people.forms import LoginForm

admin.site.site_header = "Наставничество — администрирование"
admin.site.site_title = "Наставничество"
admin.site.index_title = "Данные системы"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("o/<slug:org>/", views.org_home, name="org_home"),
    path("o/<slug:org>/home/<slug:role>/", views.role_home, name="role_home"),
    path("o/<slug:org>/", include("people.urls")),
]
# Uploaded files (consent scans, imported lists) hold personal data: they are never served from MEDIA_URL,
# only through views that check access to the record they belong to.
