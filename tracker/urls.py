from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("alerts/", include("alerts.urls")),
    path("api/", include("api.urls")),
    path("", include("commitments.urls")),
]
