"""`cslab user create --email EMAIL [--password-stdin] [--staff] [--trainer]`;
`cslab user erase EMAIL [--delete-contributions] [--yes]`;
`cslab user export EMAIL --out PATH` (a person's data as a zip, for a request by post or e-mail).
"""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cslab.accounts.models import User
from cslab.accounts.services.users import user_create
from cslab.core.errors import DomainError
from cslab.core.roles import SiteRole
from cslab.privacy.models import Erasure
from cslab.privacy.services.erasure import account_erase
from cslab.privacy.services.export import personal_data_export_write


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
        # issue 14, erasure part: requests that reach the Lab by post or e-mail.
        erase = actions.add_parser(
            "erase",
            help="Erase a person's account (GDPR Art. 17); contributions stay under a pseudonym.",
        )
        erase.add_argument("email")
        erase.add_argument(
            "--delete-contributions",
            action="store_true",
            help="Delete the contributions instead (where each project's consent text allows).",
        )
        erase.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        export = actions.add_parser(
            "export",
            help="Write everything cslab holds about a person as a zip (the same as their "
            "own export on /me/data/).",
        )
        export.add_argument("email")
        export.add_argument("--out", required=True, type=Path, help="Where to write the zip.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "erase":
            self._erase(options)
            return
        if options["action"] == "export":
            self._export(options["email"], options["out"])
            return
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

    def _erase(self, options: dict[str, Any]) -> None:

        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {options['email']}.")
        if not options["yes"]:
            what = "deleted" if options["delete_contributions"] else "kept under a pseudonym"
            self.stdout.write(
                f"Erase the account of {user.email}? Its contributions will be {what}. "
                "This cannot be undone. Type 'yes' to go on: ",
                ending="",
            )
            if sys.stdin.readline().strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        try:
            erasure = account_erase(
                actor=None,
                user=user,
                delete_contributions=options["delete_contributions"],
                requested_through=Erasure.RequestedThrough.COMMAND,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Erased; the contributions' pseudonym is {erasure.pseudonym}.")

    def _export(self, email: str, out: Path) -> None:

        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"no account has the e-mail address {email!r}")
        if out.exists() and out.is_dir():
            raise CommandError(f"{out} is a folder: give the path of the zip to write")
        summary = personal_data_export_write(actor=None, user=user, path=out)
        self.stdout.write(f"{out}: {len(summary.members)} files, {summary.media_files} media")
