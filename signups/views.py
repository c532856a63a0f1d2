"""The public side of 「我感兴趣」: the form, the result with the withdrawal code, and withdrawing.

None of these responses is ever stored by the page cache or a CDN (`never_cache`): they carry a
CSRF token, and the result page a withdrawal code. The views never log a phone number.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from core.ratelimit import client_address, too_many_requests
from jobfairs.models import JobFairPage

from .codes import grouped, normalise_code
from .entries import NOTICE_VERSION, find_by_code, sign_up, withdraw
from .forms import InterestForm
from .limits import address_limit, first_refusal, phone_limits, withdrawal_limit


def refused(request, limit, template=None):
    """429 with Retry-After: the project's Chinese refusal, or a page of our own explaining it."""
    response = render(request, template, status=429) if template else too_many_requests(request)
    response.status_code = 429
    response["Retry-After"] = str(limit.retry_after())
    return response


def live_fair(fair_id):
    return get_object_or_404(JobFairPage.objects.readable(), pk=fair_id)


def preselected_position(request):
    """`?position=<pk>` from a 「我感兴趣」 link; the form ticks it only if it is one of this fair's open positions."""
    pk = request.GET.get("position", "")
    return int(pk) if pk.isascii() and pk.isdigit() else None


@never_cache
@csrf_protect
def interest_form(request, fair_id):
    fair = live_fair(fair_id)
    if request.method != "POST":
        form = InterestForm(fair, preselected=preselected_position(request))
        return show_form(request, fair, form)
    limit = address_limit()
    if not limit.hit(client_address(request)):
        return refused(request, limit)
    form = InterestForm(fair, request.POST)
    if form.caught:
        return render(request, "signups/received.html", {"fair": fair})
    if not form.is_valid():
        return show_form(request, fair, form)
    data = form.cleaned_data
    limit = first_refusal(phone_limits(), data["phone"])
    if limit is not None:
        return refused(request, limit, "signups/phone_limited.html")
    signup, code = sign_up(fair, data["name"], data["phone"], data["note"], form.chosen_positions)
    link = request.build_absolute_uri(reverse("signups:withdraw_link", args=[grouped(code)]))
    context = {"fair": fair, "signup": signup, "code": grouped(code), "link": link, "choices": signup.choices.all()}
    return no_referrer(render(request, "signups/result.html", context))


def show_form(request, fair, form):
    context = {
        "fair": fair,
        "form": form,
        "groups": form.groups(),
        "retention_days": settings.SIGNUP_RETENTION_DAYS,
        "notice_template": f"signups/notices/{NOTICE_VERSION}.html",
    }
    return render(request, "signups/form.html", context)


def no_referrer(response):
    """A page with a withdrawal code in it sends no Referer to wherever the person goes next."""
    response["Referrer-Policy"] = "no-referrer"
    return response


def same_origin_referrer(response):
    """A withdrawal page with a form: no Referer to other sites, as no-referrer, but a same-origin POST keeps
    its Origin header. Under no-referrer browsers send `Origin: null`, which Django's CSRF check refuses."""
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@csrf_protect
def withdraw_by_typing(request):
    """Type the code: a matching entry is shown for confirmation, as the link shows it."""
    if request.method != "POST":
        return same_origin_referrer(render(request, "signups/withdraw_form.html"))
    limit = withdrawal_limit()
    if not limit.hit(client_address(request)):
        return refused(request, limit)
    typed = request.POST.get("code", "")
    signup = find_by_code(typed)
    if signup is None:
        context = {"typed": typed, "not_found": True}
        return same_origin_referrer(render(request, "signups/withdraw_form.html", context, status=404))
    return confirm(request, signup, normalise_code(typed))


@never_cache
@csrf_protect
def withdraw_by_link(request, code):
    """The link from the result page: GET shows what will be deleted, POST deletes it."""
    limit = withdrawal_limit()
    if not limit.hit(client_address(request)):
        return refused(request, limit)
    signup = find_by_code(code)
    if signup is None:
        return same_origin_referrer(render(request, "signups/withdraw_form.html", {"not_found": True}, status=404))
    if request.method == "POST":
        fair = signup.fair
        withdraw(signup)
        return no_referrer(render(request, "signups/withdrawn.html", {"fair": fair}))
    return confirm(request, signup, normalise_code(code))


def confirm(request, signup, code):
    context = {"signup": signup, "code": grouped(code), "choices": signup.choices.all()}
    return same_origin_referrer(render(request, "signups/withdraw_confirm.html", context))
