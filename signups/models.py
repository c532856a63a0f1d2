"""「我感兴趣」 sign-ups for a job fair's positions, with the consent given, and the record of every export.

An entry holds what the person typed and what they agreed to: the notice's version, when, and per
chosen position the employer they agreed to give their data to (its name as shown to them). Only
a keyed hash of the withdrawal code is kept. Entries are deleted by their owner (withdrawal) or
once past `delete_after` (the period their notice stated) or SIGNUP_RETENTION_DAYS, whichever comes
first (retention.py); nothing else is kept of them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .phones import mask_phone


class Signup(models.Model):
    fair = models.ForeignKey("jobfairs.JobFairPage", verbose_name=_("招聘会"), on_delete=models.CASCADE, related_name="signups")
    name = models.CharField(_("姓名"), max_length=30)
    phone = models.CharField(_("手机号"), max_length=11)
    note = models.CharField(_("留言"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now, db_index=True)
    consented_at = models.DateTimeField(_("同意时间"))
    notice_version = models.CharField(_("告知书版本"), max_length=20)
    retention_days = models.PositiveIntegerField(_("告知的保存天数"))
    delete_after = models.DateTimeField(_("到期删除时间"), db_index=True)  # created_at + retention_days, set at sign-up
    withdrawal_hash = models.CharField(_("撤回码摘要"), max_length=32, unique=True, editable=False)

    class Meta:
        verbose_name = _("求职报名")
        verbose_name_plural = _("求职报名")
        ordering = ["-created_at", "-pk"]
        permissions = [("export_signup", _("导出报名信息"))]

    def __str__(self):
        return f"{self.name} {self.masked_phone}"

    @property
    def masked_phone(self):
        return mask_phone(self.phone)


class SignupPosition(models.Model):
    """A position chosen, and the employer the person agreed to give their data to for it.

    The position's title and employer's name are kept as they were shown: an editor may later
    rename or remove the position without changing what was agreed.
    """

    signup = models.ForeignKey(Signup, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="choices")
    position = models.ForeignKey(
        "jobfairs.Position", verbose_name=_("岗位"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    employer = models.ForeignKey(
        "jobfairs.Employer", verbose_name=_("招聘单位"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    job_title = models.CharField(_("岗位名称"), max_length=100)
    employer_name = models.CharField(_("同意提供信息的单位"), max_length=200)
    consented_at = models.DateTimeField(_("同意时间"))

    class Meta:
        verbose_name = _("报名岗位")
        verbose_name_plural = _("报名岗位")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.employer_name} {self.job_title}"


class ExportRecord(models.Model):
    """Who exported which sign-ups when: written by every export, never changed (no add, change or delete permission)."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(_("导出人"), max_length=150)
    created_at = models.DateTimeField(_("导出时间"), default=timezone.now, db_index=True)
    fair = models.ForeignKey(
        "jobfairs.JobFairPage", verbose_name=_("招聘会"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    fair_title = models.CharField(_("招聘会"), max_length=255, blank=True)
    employer = models.ForeignKey(
        "jobfairs.Employer", verbose_name=_("招聘单位"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    employer_name = models.CharField(_("招聘单位"), max_length=200, blank=True)
    format = models.CharField(_("格式"), max_length=10, choices=Format.choices)
    rows = models.PositiveIntegerField(_("行数"))

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.user_name} {self.created_at:%Y-%m-%d %H:%M}"
