"""Who does what: the six roles, the per-column editor groups and the 三审 workflow.

The role groups and their site-wide permissions come from a data migration. What hangs on pages
(per-column grants, the administrators' grant on the home page, the workflow's assignment) can
only exist once the page tree does, so `ensure_editorial_setup` adds it after the taxonomy sync.
Both are idempotent.
"""

from django.db import transaction

EDITOR = "编辑"
FIRST_REVIEW = "初审"
SECOND_REVIEW = "复审"
FINAL_REVIEW = "终审"
VIDEO = "视频"
ADMINISTRATOR = "管理员"

REVIEW_STEPS = (FIRST_REVIEW, SECOND_REVIEW, FINAL_REVIEW)
REVIEW_WORKFLOW = "三审"
COLUMN_EDITOR_GROUP = EDITOR + "@{slug}"
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")

# Site-wide permissions per role, as "app_label.codename".
ROLE_PERMISSIONS = {
    EDITOR: ["wagtailadmin.access_admin", "media_center.view_video"],
    FIRST_REVIEW: ["wagtailadmin.access_admin", "media_center.view_video"],
    SECOND_REVIEW: ["wagtailadmin.access_admin", "media_center.view_video"],
    FINAL_REVIEW: ["wagtailadmin.access_admin", "media_center.view_video", "stats.view_dailycount"],
    VIDEO: ["wagtailadmin.access_admin", "media_center.add_video", "media_center.change_video", "media_center.view_video"],
    ADMINISTRATOR: [
        "wagtailadmin.access_admin",
        "media_center.add_video",
        "media_center.change_video",
        "media_center.delete_video",
        "media_center.view_video",
        "columns.manage_taxonomy",
        "columns.change_sitesettings",
        "stats.view_dailycount",
        "columns.add_sensitiveword",
        "columns.change_sensitiveword",
        "columns.delete_sensitiveword",
        "columns.add_commontypo",
        "columns.change_commontypo",
        "columns.delete_commontypo",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "auth.change_group",
        "wagtailcore.add_workflow",
        "wagtailcore.change_workflow",
        "wagtailcore.add_task",
        "wagtailcore.change_task",
    ],
}

# Image and document permissions are granted on the root collection, as Wagtail checks them there.
ROLE_COLLECTION_PERMISSIONS = {
    EDITOR: ["wagtailimages.add_image", "wagtailimages.choose_image", "wagtaildocs.add_document", "wagtaildocs.choose_document"],
    FIRST_REVIEW: ["wagtailimages.choose_image", "wagtaildocs.choose_document"],
    SECOND_REVIEW: ["wagtailimages.choose_image", "wagtaildocs.choose_document"],
    FINAL_REVIEW: ["wagtailimages.choose_image", "wagtaildocs.choose_document"],
    VIDEO: ["wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image"],
    ADMINISTRATOR: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "wagtaildocs.choose_document",
    ],
}

COLUMN_EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
ADMINISTRATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page")


def grant_role_permissions(apps):
    """The body of the role data migrations: create the permissions migrated so far, then the groups."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; a fresh database needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    create_role_groups(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        apps.get_model("wagtailcore", "Collection"),
        apps.get_model("wagtailcore", "GroupCollectionPermission"),
    )


def create_role_groups(group_model, permission_model, collection_model, collection_permission_model):
    """Used by data migrations with historical models, and safe to call again: each app's migration
    calls it once its own permissions exist, and what does not exist yet is skipped."""
    root_collection = collection_model.objects.filter(depth=1).first()
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.add(*_permissions(permission_model, permissions))
        if root_collection is None:
            continue
        for permission in _permissions(permission_model, ROLE_COLLECTION_PERMISSIONS[role]):
            collection_permission_model.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )


def _permissions(permission_model, dotted_names):
    found = []
    for dotted in dict.fromkeys(dotted_names):
        app_label, codename = dotted.split(".")
        found += permission_model.objects.filter(content_type__app_label=app_label, codename=codename)
    return found


@transaction.atomic
def ensure_editorial_setup():
    """Grant page permissions per column, give administrators the site, and assign 三审 to the home page."""
    from django.contrib.auth.models import Group
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    from .models import ColumnPage, GroupReviewTask, HomePage

    home = HomePage.objects.get()
    _grant_page_permissions(Group.objects.get(name=ADMINISTRATOR), home, ADMINISTRATOR_PAGE_PERMISSIONS)
    for column in ColumnPage.objects.child_of(home):
        group = column_editor_group(column)
        _grant_page_permissions(group, column, COLUMN_EDITOR_PAGE_PERMISSIONS)

    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW, defaults={"active": True})
    for order, step in enumerate(REVIEW_STEPS):
        task = GroupReviewTask.objects.filter(name=step).first()
        if task is None:
            task = GroupReviewTask.objects.create(name=step)
            task.groups.add(Group.objects.get(name=step))
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    # Wagtail's installer adds an English one-step workflow on the root; 三审 replaces it.
    WorkflowPage.objects.exclude(workflow=workflow).filter(workflow__name=WAGTAIL_DEFAULT_WORKFLOW).delete()
    Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).update(active=False)
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()
    return workflow


def column_editor_group(column):
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=COLUMN_EDITOR_GROUP.format(slug=column.slug))
    return group


def _grant_page_permissions(group, page, codenames):
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    for codename in codenames:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def assign_roles(user, roles=(), column_slugs=(), replace_columns=False):
    """Put a person in role groups and make them editor of columns; returns the columns they now edit.

    Raises ValueError naming unknown roles or columns, before changing anything.
    """
    from django.contrib.auth.models import Group

    from .models import ColumnPage

    unknown_roles = sorted(set(roles) - set(ROLE_PERMISSIONS))
    columns = list(ColumnPage.objects.filter(slug__in=column_slugs))
    unknown_columns = sorted(set(column_slugs) - {column.slug for column in columns})
    if unknown_roles or unknown_columns:
        raise ValueError(
            "; ".join(
                part
                for part in (
                    unknown_roles and f"没有这些角色：{', '.join(unknown_roles)}",
                    unknown_columns and f"没有这些版块：{', '.join(unknown_columns)}",
                )
                if part
            )
        )
    roles = list(roles) + ([EDITOR] if columns else [])
    with transaction.atomic():
        if replace_columns:
            user.groups.remove(*user.groups.filter(name__startswith=COLUMN_EDITOR_GROUP.format(slug="")))
        user.groups.add(*Group.objects.filter(name__in=roles), *(column_editor_group(column) for column in columns))
    return edited_columns(user)


def edited_columns(user):
    from .models import ColumnPage

    prefix = COLUMN_EDITOR_GROUP.format(slug="")
    slugs = [name[len(prefix) :] for name in user.groups.filter(name__startswith=prefix).values_list("name", flat=True)]
    return ColumnPage.objects.filter(slug__in=slugs)
