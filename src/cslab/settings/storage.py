"""Media storage: the file system by default, an S3-compatible bucket when configured."""

from django.core.exceptions import ImproperlyConfigured

from cslab.settings.paths import VAR_DIR, env

# No route serves MEDIA_URL: every uploaded file goes through a view that checks who may have
# it (core.media_serving). The prefix stays set because Django's storages expect one.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# How those views send a file: "stream" (Django streams it, any storage), "x-accel-redirect"
# (nginx sends MEDIA_ACCEL_REDIRECT_PREFIX + the storage name from an `internal` location) or
# "x-sendfile" (Apache mod_xsendfile / lighttpd send the absolute path); the last two need
# the file system storage.
MEDIA_DELIVERY = env.str("MEDIA_DELIVERY", default="stream").strip().lower()
MEDIA_ACCEL_REDIRECT_PREFIX = env.str("MEDIA_ACCEL_REDIRECT_PREFIX", default="/protected-media/")

_bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if _bucket:
    _media_backend = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _media_backend = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_DELIVERY not in ("stream", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured(
        f"MEDIA_DELIVERY must be stream, x-accel-redirect or x-sendfile, not {MEDIA_DELIVERY!r}"
    )
if _bucket and MEDIA_DELIVERY != "stream":
    raise ImproperlyConfigured(
        "MEDIA_DELIVERY=x-accel-redirect or x-sendfile needs media on the file system; "
        "with AWS_STORAGE_BUCKET_NAME set, use MEDIA_DELIVERY=stream"
    )

STORAGES = {
    "default": _media_backend,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Observation media: size limits per kind and the largest photo decoded (collection.services.media).
_MEGABYTE = 1024 * 1024
MEDIA_MAX_IMAGE_BYTES = env.int("MEDIA_MAX_IMAGE_MB", default=20) * _MEGABYTE
MEDIA_MAX_AUDIO_BYTES = env.int("MEDIA_MAX_AUDIO_MB", default=50) * _MEGABYTE
MEDIA_MAX_VIDEO_BYTES = env.int("MEDIA_MAX_VIDEO_MB", default=100) * _MEGABYTE
MEDIA_MAX_FILE_BYTES = env.int("MEDIA_MAX_FILE_MB", default=10) * _MEGABYTE
MEDIA_MAX_IMAGE_PIXELS = env.int("MEDIA_MAX_IMAGE_MEGAPIXELS", default=50) * 1_000_000

# Subject-set archives (classification.services.subject_sets): how many files a zip may hold,
# each file's and the total unpacked size, and how many times its packed size a file may unpack
# to (a zip bomb unpacks to thousands of times). Images also obey MEDIA_MAX_IMAGE_PIXELS.
SUBJECT_SET_MAX_FILES = env.int("SUBJECT_SET_MAX_FILES", default=20_000)
SUBJECT_SET_MAX_FILE_BYTES = env.int("SUBJECT_SET_MAX_FILE_MB", default=25) * _MEGABYTE
SUBJECT_SET_MAX_TOTAL_BYTES = env.int("SUBJECT_SET_MAX_TOTAL_MB", default=1024) * _MEGABYTE
SUBJECT_SET_MAX_COMPRESSION_RATIO = env.int("SUBJECT_SET_MAX_COMPRESSION_RATIO", default=100)
