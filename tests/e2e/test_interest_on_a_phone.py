"""「我感兴趣」 on a 390×844 phone, in Chromium: from the fair's list to the form, refused without the
employer's consent, sent, and withdrawn through the link the result page gives (its code after "#",
put into the withdrawal form by the page's script and taken off the address)."""

from signups.models import Signup
from tests.jobfairs.factories import EmployerFactory, JobFairPageFactory, complete_position

PHONE = {"width": 390, "height": 844}


def fits_the_screen(page):
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_a_sign_up_is_sent_and_withdrawn_on_a_phone(new_page, live_server, site_after_flush, screenshot):
    machines = EmployerFactory(name="淮安精工机械有限公司")
    logistics = EmployerFactory(name="苏北快运物流有限公司")
    fair = JobFairPageFactory(
        positions=[
            complete_position(employer=machines, job_title="数控车床操作工"),
            complete_position(employer=logistics, job_title="叉车司机"),
        ]
    )
    page = new_page(PHONE)
    page.goto(live_server.url + fair.url)
    page.locator(".position-item", has_text="叉车司机").get_by_role("link", name="我感兴趣").click()

    assert page.get_by_role("checkbox", name="叉车司机").is_checked()
    assert not page.get_by_role("checkbox", name="数控车床操作工").is_checked()
    page.get_by_label("姓名", exact=True).fill("王小明")
    page.get_by_label("手机号", exact=True).fill("138 0000 1234")
    page.get_by_role("checkbox", name="我已阅读并同意《个人信息处理告知书》").check()
    assert fits_the_screen(page)
    screenshot(page, "interest-form-phone")
    page.get_by_role("button", name="提交").click()

    assert "请勾选同意把信息提供给【苏北快运物流有限公司】" in page.locator(".interest-errors").inner_text()
    assert page.get_by_label("姓名", exact=True).input_value() == "王小明"
    assert not Signup.objects.exists()
    page.get_by_role("checkbox", name="同意将我的姓名、手机号和留言提供给【苏北快运物流有限公司】").check()
    page.get_by_role("button", name="提交").click()

    code = page.locator(".withdrawal-code .code").inner_text()
    assert len(code) == 9 and code[4] == "-"
    assert "138****1234" in page.locator(".masked-phone").inner_text()
    assert fits_the_screen(page)
    screenshot(page, "interest-result-phone")
    assert Signup.objects.get().choices.get().job_title == "叉车司机"

    page.locator(".withdrawal-link").click()
    page.wait_for_url("**/interest/withdraw/")  # the script took the code off the address
    assert page.get_by_label("撤回码").input_value() == code
    page.get_by_role("button", name="查找报名").click()
    page.get_by_role("button", name="确认撤回并删除").click()
    assert "您的报名信息已删除" in page.locator("article").inner_text()
    assert not Signup.objects.exists()
