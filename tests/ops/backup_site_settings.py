"""A site of its own for the backup round trips (a process the test starts): the test settings, with
the media and videos in S3 when S3_BUCKET is set, as production does."""

import os

from cms.settings.test import *  # noqa: F403

if os.environ.get("S3_BUCKET"):
    STORAGES.update(s3_storages())  # noqa: F405
