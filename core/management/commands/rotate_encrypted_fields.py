"""Re-encrypt every encrypted field under the newest of FIELD_ENCRYPTION_KEYS, so the older keys can go.

Reading a row decrypts with whichever key fits; writing it back encrypts with the first.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from core.encryption import EncryptedTextField


class Command(BaseCommand):
    help = _("用最新的密钥重新加密数据库里的所有加密字段（轮换 FIELD_ENCRYPTION_KEYS 时运行）")

    def handle(self, *args, **options):
        rotated = 0
        for model in apps.get_models():
            fields = [field.attname for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
            if not fields:
                continue
            rows = list(model._base_manager.only("pk", *fields))
            for row in tqdm(rows, desc=str(model._meta.verbose_name_plural), file=self.stderr, disable=not rows):
                model._base_manager.filter(pk=row.pk).update(**{name: getattr(row, name) for name in fields})
                rotated += 1
        self.stdout.write(_("已用最新的密钥重新加密 %(count)d 行。") % {"count": rotated})
