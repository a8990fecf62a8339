from cslab.openrosa.models.app_user import AppUser, AppUserSubmission
from cslab.openrosa.models.device_password import DevicePassword
from cslab.openrosa.models.digest_nonce_use import DigestNonceUse

__all__ = ["AppUser", "AppUserSubmission", "DevicePassword", "DigestNonceUse"]
