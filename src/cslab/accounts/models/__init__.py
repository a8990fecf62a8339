from cslab.accounts.models.api_token import ApiToken
from cslab.accounts.models.user import User

__all__ = ["ApiToken", "User"]
