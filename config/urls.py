from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views as home
from mentoring import urls as mentoring_urls
from monitoring import urls as monitoring_urls
from people.forms import LoginForm
from people.throttle import PasswordResetConfirmView
from roadmap.views import verify as signed_orders

admin.site.site_header = "Наставничество — администрирование"
admin.site.site_title = "Наставничество"
admin.site.index_title = "Данные системы"

# The database going away gives its own 503 page (config.faults); anything else, templates/500.html.
handler500 = "config.faults.server_error"

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("o/<slug:org>/", home.org_home, name="org_home"),
    path("o/<slug:org>/home/<slug:role>/", home.role_home, name="role_home"),
    path("o/<slug:org>/", include("people.urls")),
    path("o/<slug:org>/", include("mentoring.urls")),
    path("o/<slug:org>/", include("roadmap.urls")),
    path("o/<slug:org>/", include("monitoring.urls")),
    *mentoring_urls.public_urlpatterns,
    *monitoring_urls.public_urlpatterns,
    *monitoring_urls.municipal_urlpatterns,
    # The QR code on a signed order leads here: anyone may check the document (roadmap.signing).
    path("verify/<str:token>/", signed_orders.verify, name="verify"),
]
# Uploaded files (consent scans, imported lists) hold personal data: they are never served from MEDIA_URL,
# only through views that check access to the record they belong to.
