"""The six roles people are put in, and the permissions each app grants them.

Each app registers what its models need per role in its `AppConfig.ready()` (`grant`). After every
`migrate` the role groups are created and given what was registered (`sync_role_groups`, connected to
`post_migrate`): migrations hold no role logic, and a new app only registers its own grants.
Granting is additive and idempotent; what an administrator added by hand is kept.
"""

from collections import defaultdict

EDITOR = "编辑"
FIRST_REVIEW = "初审"
SECOND_REVIEW = "复审"
FINAL_REVIEW = "终审"
VIDEO = "视频"
ADMINISTRATOR = "管理员"
ROLES = (EDITOR, FIRST_REVIEW, SECOND_REVIEW, FINAL_REVIEW, VIDEO, ADMINISTRATOR)
REVIEW_STEPS = (FIRST_REVIEW, SECOND_REVIEW, FINAL_REVIEW)

site_grants = defaultdict(set)  # role: {"app_label.codename", …}
collection_grants = defaultdict(set)  # role: permissions on the root collection (images, documents)


def grant(roles, *permissions, on_collections=False):
    """Give each of `roles` the permissions ("app_label.codename"); images and documents are checked
    by Wagtail on collections, so theirs are granted on the root collection (`on_collections`)."""
    grants = collection_grants if on_collections else site_grants
    for role in roles:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        grants[role].update(permissions)


def sync_role_groups(**kwargs):
    """Create the role groups and give them what the apps registered; what does not exist yet is skipped."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission

    root_collection = Collection.objects.filter(depth=1).first()
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*_permissions(Permission, site_grants[role]))
        if root_collection is None:
            continue
        for permission in _permissions(Permission, collection_grants[role]):
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root_collection, permission=permission)


def sync_after_last_app(sender, **kwargs):
    """post_migrate is sent once per app with models: the grants are synced after the last, when every permission exists."""
    from django.apps import apps

    if sender is [app for app in apps.get_app_configs() if app.models_module is not None][-1]:
        sync_role_groups()


def _permissions(permission_model, dotted_names):
    found = []
    for dotted in sorted(dotted_names):
        app_label, codename = dotted.split(".")
        found += permission_model.objects.filter(content_type__app_label=app_label, codename=codename)
    return found
