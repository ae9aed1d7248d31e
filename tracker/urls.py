from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("alerts/", include("alerts.urls")),
    path("api/", include("api.urls")),
    path("data/", include("api.data_urls")),
    path("about/", include("feedback.urls")),
    path("", include("commitments.urls")),
]

# Django's own 404 page, except under /api/, where it is JSON.
handler404 = "api.views.not_found"
