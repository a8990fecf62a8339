from cslab.openrosa.models.app_user import AppUser, AppUserSubmission
from cslab.openrosa.models.digest_credential import DigestCredential

__all__ = ["AppUser", "AppUserSubmission", "DigestCredential"]
