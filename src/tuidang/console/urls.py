"""URLs of the console (mounted at /console/)."""

app_name = "console"
urlpatterns: list = []
