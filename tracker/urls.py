from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

# The public pages are Dutch at their plain address (/commitments/) and English under /en/
# (/en/commitments/): the language is in the URL, so a page can be cached as it is.
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    *i18n_patterns(
        path("alerts/", include("alerts.urls")),
        path("data/", include("api.data_urls")),
        path("about/", include("feedback.urls")),
        path("", include("commitments.urls")),
        prefix_default_language=False,
    ),
]

# Django's own 404 page, except under /api/, where it is JSON.
handler404 = "api.views.not_found"
