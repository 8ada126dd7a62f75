"""A URLconf for tests: every real route, plus one whose view always fails, so a
server error can be provoked at a path that holds a visitor's text."""

from django.urls import path

from tuidang.urls import urlpatterns as real_patterns


def crash(request, anything):
    raise RuntimeError("the view failed on purpose")


urlpatterns = [path("crash/<str:anything>/", crash), *real_patterns]
