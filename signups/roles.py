"""Who sees sign-ups and who may export them (synced by core.roles after migrate).

Every role sees the counts and the entries with masked phone numbers; only administrators export
the full numbers, and only they read the record of exports.
"""

from core.roles import ADMINISTRATOR, ROLES, grant

VIEW_PERMISSION = "signups.view_signup"
EXPORT_PERMISSION = "signups.export_signup"
EXPORT_LOG_PERMISSION = "signups.view_exportrecord"


def grant_signup_permissions():
    grant(ROLES, VIEW_PERMISSION)
    grant([ADMINISTRATOR], EXPORT_PERMISSION, EXPORT_LOG_PERMISSION)
