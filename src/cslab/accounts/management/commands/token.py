"""`cslab token create --user EMAIL --name NAME`: prints only the new API token."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cslab.accounts.models import User
from cslab.accounts.services.api_tokens import api_token_create
from cslab.core.errors import DomainError


class Command(BaseCommand):
    help = "Manage personal API tokens from scripts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token; print only the token.")
        create.add_argument(
            "--user", required=True, help="The e-mail address of the token's owner."
        )
        create.add_argument("--name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"].strip()).first()
        if user is None:
            raise CommandError(f"no user with the e-mail address {options['user']}")
        try:
            # The token's owner is the actor: the script acts on their behalf.
            _token, secret = api_token_create(actor=user, user=user, name=options["name"])
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(secret)
