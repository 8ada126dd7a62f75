"""Running tuidang: the `init`, `serve` and `demo` commands, the gunicorn
configuration and the synthetic demo data."""
