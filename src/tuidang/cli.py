"""The `tuidang` command: a thin front over Django's management commands.

    tuidang demo [--port N] [--data DIR]   demo settings, seeded data, a server on 127.0.0.1
    tuidang log verify URL --vkey VKEY     check the public log and totals (no database)
    tuidang receipt CODE --log URL --vkey VKEY   prove a receipt's entry is in the log
    tuidang [--demo] [--data DIR] COMMAND  any other command (init, serve, tally, accept, ...)

Without `--demo`, commands use the production settings, which need
TUIDANG_SECRET_KEY and TUIDANG_ALLOWED_HOSTS (docs/settings.md). `--demo` uses
the demo settings, e.g. to inspect a demo's data folder: `tuidang --demo tally --check`.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    # Checks from outside need no database, no settings and no Django.
    if args[:2] == ["log", "verify"]:
        from tuidang.outside import log_verify

        sys.exit(log_verify(args[2:]))
    if args[:1] == ["receipt"]:
        from tuidang.outside import receipt

        sys.exit(receipt(args[1:]))
    settings_module = None
    if "--demo" in args[:3]:
        args.remove("--demo")
        settings_module = "tuidang.settings.demo"
    if args[:1] == ["--data"] and len(args) >= 2:
        os.environ["TUIDANG_DATA_DIR"] = args[1]
        args = args[2:]
    if args[:1] == ["demo"]:
        settings_module = "tuidang.settings.demo"
        # --data must be known before settings load, so it is read here too.
        if "--data" in args:
            position = args.index("--data")
            if position + 1 < len(args):
                os.environ["TUIDANG_DATA_DIR"] = args[position + 1]
    if settings_module:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuidang.settings.production")

    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["tuidang", *args] if args else ["tuidang", "help"])
    except ImproperlyConfigured as error:
        # Production settings fail closed; say what is missing, not a traceback.
        hint = "" if settings_module else " (or add --demo to use the demo settings)"
        sys.stderr.write(f"tuidang: {error}{hint}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
