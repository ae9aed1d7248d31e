from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("motions", views.MotionViewSet, basename="motion")
router.register("letters", views.LetterViewSet, basename="letter")
router.register("persons", views.PersonViewSet, basename="person")
router.register("status-updates", views.StatusUpdateViewSet, basename="statusupdate")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("scorecards/", views.OverallScorecardsView.as_view(), name="scorecards"),
    path("scorecards/<str:by>/", views.RankingView.as_view(), name="ranking"),
    path("", include(router.urls)),
]
