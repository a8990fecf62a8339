"""HTTP security: HTTPS-only cookies and HSTS in production, a strict CSP everywhere."""

from csp.constants import NONE, SELF

from cslab.settings.paths import env

_https = env.bool(
    "CSLAB_HTTPS",
    default=not (env.bool("DEBUG", default=False) or env.bool("CSLAB_DEMO", default=False)),
)

SECURE_SSL_REDIRECT = _https
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000) if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading is opt-in: the browsers' preload list takes whole registrable domains (usually the
# university's, not the lab's) and leaving it takes months, so a lab's own choice to stay off it
# is not a deployment fault worth a warning.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=_https) else None
)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Map tiles come from a tile server (OpenStreetMap by default); everything else is ours.
_tile_hosts = env.list("CSP_IMG_HOSTS", default=["https://tile.openstreetmap.org"])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_hosts],
        # The web form previews a recorded sound or a chosen file before it is sent.
        "media-src": [SELF, "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Lesson videos play in the privacy-friendly embedded players of YouTube and Vimeo.
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *env.list("CSP_FORM_ACTION_HOSTS", default=[])],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
