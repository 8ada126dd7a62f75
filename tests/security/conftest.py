"""Fixtures of the security tests: a clean cache for every test (the rate
limiter's counters live there), and distinctive client details to look for."""

import pytest
from django.core.cache import caches

# Addresses from the documentation ranges, and a user agent nobody else sends.
CLIENT_ADDRESS = "203.0.113.77"
FORWARDED_ADDRESS = "198.51.100.23"
USER_AGENT = "SecurityProbe/7.1 (distinctive-agent-5519)"
CLIENT = {
    "REMOTE_ADDR": CLIENT_ADDRESS,
    "HTTP_X_FORWARDED_FOR": FORWARDED_ADDRESS,
    "HTTP_X_REAL_IP": FORWARDED_ADDRESS,
    "HTTP_USER_AGENT": USER_AGENT,
}
NEEDLES = {
    "client address": CLIENT_ADDRESS,
    "forwarded address": FORWARDED_ADDRESS,
    "user agent": "distinctive-agent-5519",
}


@pytest.fixture(autouse=True)
def empty_cache():
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
