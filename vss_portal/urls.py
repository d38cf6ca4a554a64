from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts.views import language_switch
from core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Before Django's own: the switch also remembers a signed-in person's language.
    path("i18n/setlang/", language_switch, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/", include("vss_portal.api_urls")),
    path("accounts/", include("accounts.urls")),
    path("oauth/", include("appauth.urls")),
    path("procedures/", include("procedures.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("track/", include("dossiers.urls_tracking")),
    path("ratings/", include("ratings.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("registry/", include("beneficiaries.urls")),
    path("inbox/", include("notifications.urls")),
    path("queue/", include("queues.urls")),
    path("access-log/", include("accesslog.urls")),
    path("", include("core.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
