"""URLs of the served log (mounted at /log/)."""

from django.urls import path

from tuidang.transparency import views

app_name = "log"
urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("tile/<path:path>", views.tile, name="tile"),
]
