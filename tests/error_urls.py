"""The site's URLs and one that fails, to test what a server error leaves behind."""

from django.urls import path

from tracker.urls import urlpatterns as site


def fail(request):
    raise ZeroDivisionError("deliberate failure for the logging test")


urlpatterns = [path("fail/", fail), *site]
