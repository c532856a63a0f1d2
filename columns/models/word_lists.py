"""Word lists editors are checked against before submission, kept in the admin as snippets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WordListEntry(models.Model):
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SensitiveWord(WordListEntry):
    """A hit blocks submission for review."""

    word = models.CharField(_("敏感词"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")
        ordering = ["word"]

    def __str__(self):
        return self.word


class CommonTypo(WordListEntry):
    """A hit is a warning with the correct form."""

    wrong = models.CharField(_("易错写法"), max_length=100, unique=True)
    correct = models.CharField(_("正确写法"), max_length=100)

    class Meta:
        verbose_name = _("易错词")
        verbose_name_plural = _("易错词")
        ordering = ["wrong"]

    def __str__(self):
        return f"{self.wrong} → {self.correct}"
