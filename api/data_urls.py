from django.urls import path

from . import downloads

app_name = "data"

urlpatterns = [
    path("", downloads.downloads, name="downloads"),
    path("toezeggingen-tracker.json", downloads.download_json, name="json"),
]
