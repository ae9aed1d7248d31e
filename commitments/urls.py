from django.urls import path

from . import changes, exports, feeds, views

app_name = "commitments"

urlpatterns = [
    path("", views.home, name="home"),
    path("commitments/", views.CommitmentList.as_view(), name="commitments"),
    *exports.urls("commitments"),
    path("commitments/feed/", feeds.CommitmentListFeed(), name="commitments-feed"),
    path("commitments/<slug:key>/", views.CommitmentDetail.as_view(), name="commitment"),
    path("commitments/<slug:key>/feed/", feeds.CommitmentFeed(), name="commitment-feed"),
    path("motions/", views.MotionList.as_view(), name="motions"),
    *exports.urls("motions"),
    path("motions/feed/", feeds.MotionListFeed(), name="motions-feed"),
    path("motions/<slug:key>/", views.MotionDetail.as_view(), name="motion"),
    path("motions/<slug:key>/feed/", feeds.MotionFeed(), name="motion-feed"),
    path("letters/", views.LetterList.as_view(), name="letters"),
    *exports.urls("letters"),
    path("letters/<slug:key>/", views.LetterDetail.as_view(), name="letter"),
    path("ministers/", views.PersonList.as_view(), name="persons"),
    path("ministers/<slug:key>/", views.PersonDetail.as_view(), name="person"),
    path("offices/<slug:key>/", views.OfficeDetail.as_view(), name="office"),
    path("sources/<slug:key>/", views.SourceDetail.as_view(), name="source"),
    path("progress/", views.dashboard, name="progress"),
    path("scorecards/", views.scorecards_page, name="scorecards"),
    path("feed/", feeds.StatusUpdateFeed(), name="feed"),
    path("changes/", changes.changes_page, name="changes"),
    path("changes/export.csv", changes.changes_export, name="changes-export"),
    path("changes/feed/", changes.ChangesFeed(), name="changes-feed"),
]
