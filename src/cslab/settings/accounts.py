"""Accounts: custom user, django-allauth, optional OpenID Connect single sign-on."""

from cslab.settings.paths import env

AUTH_USER_MODEL = "accounts.User"
# allauth's backend alone: it extends ModelBackend (permissions) and finds people by e-mail
# address. With ModelBackend before it, every wrong password was hashed twice.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "cslab.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The current password is checked within the log-in's hourly ceiling (accounts.throttling).
ACCOUNT_FORMS = {"change_password": "cslab.accounts.forms.ChangePasswordForm"}  # nosec B105 - a form path

LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_FAILURE_WINDOW_MINUTES = env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15)
# Failed password checks per account per hour from all addresses together (OWASP ASVS 4.0.3
# §2.2.1: at most 100); past it the password is not checked (cslab.accounts.throttling).
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=100)
# Which client address log-in throttling counts by: the last of X-Forwarded-For's addresses
# added by this many trusted proxies (0: the connection's own address), or a header a trusted
# proxy sets (e.g. X-Real-IP). Behind a proxy, leaving both unset counts everyone together.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
# A signed-in session ends this long after log-in, or after this long without a request,
# whichever comes first (OWASP ASVS 4.0.3 §3.3.2, level 2: 12 hours or 30 minutes), enforced on
# the server by cslab.accounts.sessions. One idle limit for every role: the roles that see
# others' data (staff, project leads) need 30 minutes, and a volunteer's page does not know
# whether its person also leads a project.
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
# The session table keeps a hash of each session key, not the cookie's value.
SESSION_ENGINE = "cslab.accounts.session_store"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per account and client address (cslab.accounts.throttling), so that a stranger's wrong
    # passwords cannot lock the person out.
    "login_failed": f"{LOGIN_FAILURE_LIMIT}/{LOGIN_FAILURE_WINDOW_MINUTES * 60}s/key",
    "signup": "20/m/ip",
    # One reset e-mail per address per hour (as Panoptes): more only floods a mailbox.
    "reset_password": "20/m/ip,1/h/key",  # a rate limit, not a password  # nosec B105
    "confirm_email": "1/180s/key",
}

SOCIALACCOUNT_ADAPTER = "cslab.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False

OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
OIDC_ENABLED = bool(OIDC_SERVER_URL)
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if OIDC_ENABLED:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="university"),
                "name": env.str("OIDC_PROVIDER_NAME", default="University login"),
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ],
    }
