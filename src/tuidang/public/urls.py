"""URLs of the public site (mounted under the language prefix)."""

from django.urls import path

from tuidang.public.views import check, declare, home, leave, receipt, statements, withdraw

app_name = "public"
urlpatterns = [
    path("", home.home, name="home"),
    path("declare/", declare.declare_self, name="declare"),
    path("declare/for-others/", declare.declare_for_others, name="declare_for_others"),
    path("receipt/", receipt.lookup, name="receipt"),
    # Under receipt/: disallowed in robots.txt and noindex with it (web/robots.py).
    path("receipt/withdraw/", withdraw.withdraw, name="withdraw"),
    path("statements/", statements.statements, name="statements"),
    path("leave/", leave.leave, name="leave"),
    path("check/", check.check, name="check"),
]
