"""The backup round trips' site with a SECRET_KEY of its own: a system the backup's keys were not given to."""

from tests.ops.backup_site_settings import *  # noqa: F403

SECRET_KEY = "another-installation-entirely"
