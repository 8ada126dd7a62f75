"""WSGI entry point for gunicorn (`tuidang serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuidang.settings.production")
application = get_wsgi_application()
