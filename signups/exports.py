"""What staff export: one row per chosen position, per fair, per employer (at any fair) or both, and
the record every export leaves. Only entries agreed for an employer reach that employer's export."""

from django.utils import timezone
from django.utils.translation import gettext as _

from columns.people import full_name
from core.spreadsheets import csv_bytes, xlsx_bytes

from .models import ExportRecord, SignupPosition

CONTENT_TYPES = {
    ExportRecord.Format.CSV: "text/csv; charset=utf-8",
    ExportRecord.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_rows(fair=None, employer=None):
    rows = SignupPosition.objects.select_related("signup", "signup__fair").order_by("signup__created_at", "pk")
    if fair is not None:
        rows = rows.filter(signup__fair=fair)
    if employer is not None:
        rows = rows.filter(employer=employer)
    return rows


def header():
    return [
        _("报名时间"),
        _("招聘会"),
        _("招聘单位"),
        _("岗位"),
        _("姓名"),
        _("手机号"),
        _("留言"),
        _("同意提供信息的时间"),
        _("告知书版本"),
    ]


def as_cells(row):
    signup = row.signup
    when = "%Y-%m-%d %H:%M"
    return [
        timezone.localtime(signup.created_at).strftime(when),
        signup.fair.title,
        row.employer_name,
        row.job_title,
        signup.name,
        signup.phone,
        signup.note,
        timezone.localtime(row.consented_at).strftime(when),
        signup.notice_version,
    ]


def export(user, file_format, fair=None, employer=None):
    """The file's bytes and its content type, and the record saying who exported what and how many rows."""
    cells = [as_cells(row) for row in export_rows(fair, employer)]
    if file_format == ExportRecord.Format.XLSX:
        content = xlsx_bytes(header(), cells, _("求职报名"))
    else:
        content = csv_bytes(header(), cells)
    record = ExportRecord.objects.create(
        user=user,
        user_name=full_name(user) or user.get_username(),
        fair=fair,
        fair_title=fair.title if fair else "",
        employer=employer,
        employer_name=employer.name if employer else "",
        format=file_format,
        rows=len(cells),
    )
    return content, CONTENT_TYPES[file_format], record


def file_name(record):
    """求职报名-<fair>-<employer>-20261130-0930.csv"""
    parts = [
        _("求职报名"),
        record.fair_title,
        record.employer_name,
        timezone.localtime(record.created_at).strftime("%Y%m%d-%H%M"),
    ]
    return "-".join(part for part in parts if part) + f".{record.format}"
