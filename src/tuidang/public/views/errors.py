"""Friendly error pages."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    return render(request, "public/csrf_failure.html", status=403)
