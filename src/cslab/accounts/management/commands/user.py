"""`cslab user create --email EMAIL [--password-stdin] [--staff] [--trainer]`."""

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cslab.accounts.services.users import user_create
from cslab.core.errors import DomainError
from cslab.core.roles import SiteRole


class Command(BaseCommand):
    help = "Manage users from scripts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a user with a verified e-mail address.")
        create.add_argument("--email", required=True)
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input (otherwise the user cannot log in "
            "with a password until they reset it).",
        )
        role = create.add_mutually_exclusive_group()
        role.add_argument("--staff", action="store_true", help="Lab staff / curator.")
        role.add_argument("--trainer", action="store_true")
        create.add_argument("--superuser", action="store_true")
        create.add_argument("--display-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("--password-stdin was given but standard input was empty")
        site_role = SiteRole.VOLUNTEER
        if options["staff"] or options["superuser"]:
            site_role = SiteRole.STAFF
        elif options["trainer"]:
            site_role = SiteRole.TRAINER
        try:
            user = user_create(
                actor=None,
                email=options["email"],
                password=password,
                site_role=site_role,
                display_name=options["display_name"],
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        if options["superuser"]:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        self.stdout.write(user.email)
