"""The `cslab` command: Django's manage.py with cslab's settings and a clear word on bad config."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cslab.settings.base")
    arguments = list(sys.argv if argv is None else argv)
    arguments[0] = "cslab"
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        sys.stderr.write(f"cslab: configuration error: {error}\n")
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(arguments)


if __name__ == "__main__":
    main()
