"""Settings for the test suite: the production module with safe test values.

The environment is read here, before blogsync.settings is imported, because
pytest-django loads settings before any conftest.py runs.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-suite-only")
os.environ.setdefault("BLOGSYNC_FETCH_ALLOW_LOOPBACK", "true")
os.environ.setdefault("BLOGSYNC_VAR_DIR", tempfile.mkdtemp(prefix="blogsync-test-var-"))

from blogsync.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# WhiteNoise warns when STATIC_ROOT does not exist; the suite never collects static files.
STATIC_ROOT = os.path.join(os.environ["BLOGSYNC_VAR_DIR"], "static")
os.makedirs(STATIC_ROOT, exist_ok=True)

# A file rather than memory, so that a worker started as a subprocess by a test can
# open the test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(os.environ["BLOGSYNC_VAR_DIR"], "test.sqlite3")
    }
