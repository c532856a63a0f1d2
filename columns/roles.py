"""Who does what in the editorial work: the roles' grants, the per-column editor groups and 三审.

The role groups and their site-wide grants are synced after every migrate (core.roles). What hangs
on pages (per-column grants, the administrators' grant on the home page, the workflow's
assignment) can only exist once the page tree does, so `ensure_editorial_setup` adds it after the
taxonomy sync. Both are idempotent.
"""

from django.db import transaction
from django.utils.translation import gettext

from core.roles import ADMINISTRATOR, EDITOR, FINAL_REVIEW, FIRST_REVIEW, REVIEW_STEPS, ROLES, SECOND_REVIEW, VIDEO, grant

REVIEW_WORKFLOW = "三审"
COLUMN_EDITOR_GROUP = EDITOR + "@{slug}"
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")
COLUMN_EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
ADMINISTRATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page")


def grant_editorial_permissions():
    """What the admin and the editorial models need per role (core.roles syncs it after migrate)."""
    grant(ROLES, "wagtailadmin.access_admin")
    grant([ADMINISTRATOR], "columns.manage_taxonomy", "columns.change_sitesettings")
    grant(
        [ADMINISTRATOR],
        *(f"columns.{action}_{model}" for action in ("add", "change", "delete") for model in ("sensitiveword", "commontypo")),
    )
    grant([ADMINISTRATOR], "auth.add_user", "auth.change_user", "auth.delete_user", "auth.change_group")
    grant(
        [ADMINISTRATOR],
        "wagtailcore.add_workflow",
        "wagtailcore.change_workflow",
        "wagtailcore.add_task",
        "wagtailcore.change_task",
    )
    choose = ("wagtailimages.choose_image", "wagtaildocs.choose_document")
    grant([EDITOR, FIRST_REVIEW, SECOND_REVIEW, FINAL_REVIEW, ADMINISTRATOR], *choose, on_collections=True)
    grant([EDITOR, ADMINISTRATOR], "wagtailimages.add_image", "wagtaildocs.add_document", on_collections=True)
    grant([VIDEO], "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image", on_collections=True)
    grant([ADMINISTRATOR], "wagtailimages.change_image", "wagtailimages.delete_image", on_collections=True)
    grant([ADMINISTRATOR], "wagtaildocs.change_document", "wagtaildocs.delete_document", on_collections=True)


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

    unknown_roles = sorted(set(roles) - set(ROLES))
    columns = list(ColumnPage.objects.filter(slug__in=column_slugs))
    unknown_columns = sorted(set(column_slugs) - {column.slug for column in columns})
    if unknown_roles or unknown_columns:
        raise ValueError(
            "; ".join(
                part
                for part in (
                    unknown_roles and gettext("没有这些角色：%(roles)s") % {"roles": ", ".join(unknown_roles)},
                    unknown_columns and gettext("没有这些版块：%(columns)s") % {"columns": ", ".join(unknown_columns)},
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
