"""The 求职报名 section of the admin: counts, masked numbers, exports for their own permission, the export record."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from signups.models import ExportRecord
from tests.signups.factories import SignupFactory


@pytest.fixture
def entries(fair, positions):
    return [
        SignupFactory(fair=fair, positions=positions[:2], name="王小明", phone="13812341234", note='=HYPERLINK("x")'),
        SignupFactory(fair=fair, positions=positions[1:], name="<script>alert(1)</script>", phone="13900005678"),
    ]


@pytest.fixture
def staff_client(client, make_staff):
    def log_in(role):
        client.force_login(make_staff(f"staff-{role}", roles=[role]))
        return client

    return log_in


def export(client, file_format="csv", **scope):
    data = {"format": file_format, **{name: value.pk for name, value in scope.items()}}
    return client.post(reverse("signups_admin:export"), data)


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_administrators_see_the_entries_with_masked_numbers(staff_client, fair, entries):
    page = staff_client("管理员").get(reverse("signups_admin:fair", args=[fair.pk])).content.decode()
    assert "王小明" in page and "138****1234" in page and "139****5678" in page
    assert "13812341234" not in page and "13900005678" not in page


@pytest.mark.parametrize("role", ["编辑", "初审", "复审", "终审", "视频"])
def test_other_roles_see_the_counts_but_no_names_notes_or_numbers(staff_client, fair, entries, role):
    """Only those who may export need to know who signed up."""
    response = staff_client(role).get(reverse("signups_admin:fair", args=[fair.pk]))
    page = response.content.decode()
    assert "共 2 人报名" in page and "叉车司机" in page and "苏北快运物流有限公司" in page
    assert "王小明" not in page and "HYPERLINK" not in page and "****" not in page
    assert response.context["entries"] is None


@pytest.mark.parametrize(
    ("field", "typed"), [("note", "打这个 13999998888"), ("note", "１３９ ９９９９-８８８８"), ("name", "王139-9999-8888")]
)
def test_a_number_typed_into_a_name_or_note_is_masked_in_the_admin(staff_client, fair, positions, field, typed):
    SignupFactory(fair=fair, positions=positions[:1], phone="13700001111", **{field: typed})
    page = staff_client("管理员").get(reverse("signups_admin:fair", args=[fair.pk])).content.decode()
    assert "139****8888" in page and "9999" not in page and "９９９９" not in page


def test_the_menu_lists_the_fairs_with_their_sign_up_counts(staff_client, fair, entries):
    page = staff_client("编辑").get(reverse("signups_admin:index")).content.decode()
    assert fair.title in page and "<td>2</td>" in page


def test_the_fair_page_counts_sign_ups_per_position_and_employer(staff_client, fair, entries):
    response = staff_client("编辑").get(reverse("signups_admin:fair", args=[fair.pk]))
    counts = [(position.job_title, position.signup_count) for position in response.context["positions"]]
    assert counts == [("数控车床操作工", 1), ("叉车司机", 2), ("仓库分拣员", 1)]
    per_employer = {row["employer_name"]: (row["people"], row["rows"]) for row in response.context["employers"]}
    assert per_employer == {"淮安精工机械有限公司": (1, 1), "苏北快运物流有限公司": (2, 3)}


def test_markup_in_a_name_is_shown_as_text_in_the_admin(staff_client, fair, entries):
    page = staff_client("管理员").get(reverse("signups_admin:fair", args=[fair.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markup_in_a_note_is_shown_as_text_in_the_admin(staff_client, fair, positions):
    SignupFactory(fair=fair, positions=positions[:1], note="<img src=x onerror=alert(1)>\n第二行")
    page = staff_client("管理员").get(reverse("signups_admin:fair", args=[fair.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;<br>第二行" in page


def test_a_person_without_a_role_cannot_see_sign_ups(client, make_staff, fair, entries):
    client.force_login(make_staff("nobody"))
    assert client.get(reverse("signups_admin:fair", args=[fair.pk])).status_code in (302, 403)


@pytest.mark.parametrize("role", ["编辑", "初审", "复审", "终审", "视频"])
def test_only_administrators_may_export(staff_client, fair, entries, role):
    client = staff_client(role)
    assert "导出本场全部报名" not in client.get(reverse("signups_admin:fair", args=[fair.pk])).content.decode()
    response = export(client, fair=fair)
    assert response.status_code == 302 and "attachment" not in response.get("Content-Disposition", "")  # Wagtail's refusal
    assert not ExportRecord.objects.exists()


def test_an_export_of_a_fair_holds_full_numbers_in_a_csv_excel_reads(staff_client, fair, entries):
    response = export(staff_client("管理员"), fair=fair)
    assert response.content.startswith(b"\xef\xbb\xbf") and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:6] == ["报名时间", "招聘会", "招聘单位", "岗位", "姓名", "手机号"]
    assert sorted((row[3], row[5]) for row in rows[1:]) == [
        ("仓库分拣员", "13900005678"),
        ("叉车司机", "13812341234"),
        ("叉车司机", "13900005678"),
        ("数控车床操作工", "13812341234"),
    ]


def test_an_exported_cell_that_could_be_a_formula_is_neutralised(staff_client, fair, entries):
    rows = csv_rows(export(staff_client("管理员"), fair=fair))
    assert {row[6] for row in rows[1:] if row[4] == "王小明"} == {'\'=HYPERLINK("x")'}


def test_an_xlsx_export_holds_no_formula(staff_client, fair, entries):
    response = export(staff_client("管理员"), "xlsx", fair=fair)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert [cell.quotePrefix for cell in cells if cell.value == '=HYPERLINK("x")'] == [True, True]
    assert "13812341234" in {cell.value for cell in cells}


def test_an_employer_export_holds_only_entries_agreed_for_that_employer_at_any_fair(
    staff_client, fair, entries, machines, logistics
):
    from tests.jobfairs.factories import JobFairPageFactory, complete_position

    other_fair = JobFairPageFactory(positions=[complete_position(employer=machines, job_title="装配钳工")])
    SignupFactory(fair=other_fair, positions=other_fair.positions_in_order(), phone="13700001111")
    rows = csv_rows(export(staff_client("管理员"), employer=machines))
    assert sorted((row[3], row[5]) for row in rows[1:]) == [("数控车床操作工", "13812341234"), ("装配钳工", "13700001111")]
    assert len(csv_rows(export(staff_client("管理员"), fair=fair, employer=machines))) == 2


def test_every_export_is_recorded_with_who_what_and_how_many_rows(staff_client, fair, entries, logistics):
    client = staff_client("管理员")
    export(client, "xlsx", fair=fair, employer=logistics)
    record = ExportRecord.objects.get()
    assert (record.user.username, record.fair, record.employer, record.format, record.rows) == (
        "staff-管理员",
        fair,
        logistics,
        "xlsx",
        3,
    )
    page = client.get(reverse("signups_admin:exports")).content.decode()
    assert fair.title in page and "苏北快运物流有限公司" in page and "<td>3</td>" in page


def test_the_export_record_is_listed_for_administrators_only(staff_client):
    assert staff_client("终审").get(reverse("signups_admin:exports")).status_code == 302  # Wagtail's refusal
    assert staff_client("管理员").get(reverse("signups_admin:exports")).status_code == 200


def test_nobody_may_add_change_or_delete_an_export_record(db):
    codenames = Permission.objects.filter(content_type__app_label="signups", codename__endswith="_exportrecord")
    assert list(codenames.values_list("codename", flat=True)) == ["view_exportrecord"]


def test_an_export_needs_a_post(staff_client, fair, entries):
    client = staff_client("管理员")
    assert client.get(reverse("signups_admin:export"), {"fair": fair.pk, "format": "csv"}).status_code == 405
    assert not ExportRecord.objects.exists()


def test_the_fair_s_page_in_the_admin_links_to_its_sign_ups(staff_client, fair):
    page = staff_client("管理员").get(reverse("wagtailadmin_pages:edit", args=[fair.pk])).content.decode()
    assert reverse("signups_admin:fair", args=[fair.pk]) in page
