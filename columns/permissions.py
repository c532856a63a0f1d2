"""Columns and series are the fixed structure of the site: nobody rearranges them in the admin.

The taxonomy file and `sync_taxonomy` own their existence, slugs, order and live state. People
holding `columns.manage_taxonomy` (superusers, the 管理员 group) may edit a title or intro; anyone
with page permissions below a series may still add articles there.
"""

from wagtail.models import PagePermissionTester

MANAGE_TAXONOMY = "columns.manage_taxonomy"


def can_manage_taxonomy(user):
    return user.is_active and user.has_perm(MANAGE_TAXONOMY)


class FixedStructurePermissionTester(PagePermissionTester):
    def can_edit(self):
        return can_manage_taxonomy(self.user) and super().can_edit()

    def can_copy(self):
        return False

    def can_delete(self, ignore_bulk=False):
        return False

    def can_move(self):
        return False

    def can_move_to(self, destination):
        return False

    def can_unpublish(self):
        return False

    def can_reorder_children(self):
        return False

    def can_set_view_restrictions(self):
        return can_manage_taxonomy(self.user) and super().can_set_view_restrictions()
