from wagtail import hooks

from . import admin_views


@hooks.register("register_admin_urls")
def register_backup_urls():
    return admin_views.urlpatterns


hooks.register("register_settings_menu_item", admin_views.menu_item)
