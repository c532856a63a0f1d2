"""The public side of 「我感兴趣」: the form, the result with the withdrawal code, and withdrawing.

None of these responses is ever stored by the page cache or a CDN (`never_cache`): they carry a
CSRF token, and the result page a withdrawal code. The views never log a phone number, and no
address holds a withdrawal code: the result page's link carries it after "#", which browsers do not
send, and codes reach the server only in POST bodies (an access log or django.request's warnings
record addresses, never bodies).

Post/Redirect/Get: a sign-up answers with a redirect to its result page, which shows the code once
(kept in the session until then); refreshing it or tapping 提交 twice stores no second entry.
"""

import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from core.ratelimit import client_address, hashed, reachable, too_many_requests
from jobfairs.models import JobFairPage

from .codes import grouped, normalise_code
from .entries import NOTICE_VERSION, find_by_code, sign_up, withdraw
from .forms import HONEYPOT, InterestForm
from .limits import address_limits, first_refusal, phone_limits, withdrawal_limit
from .models import Signup

RESULT_KEY = "signups.result"  # in the session: the entry just sent and its code, until the result page shows it
RESULT_KEPT_SECONDS = 300
SENDING_SECONDS = 30  # at most how long storing an entry holds its lock


def refused(request, limit, template=None):
    """429 with Retry-After: the project's Chinese refusal, or a page of our own explaining it."""
    response = render(request, template) if template else too_many_requests(request)
    response.status_code = 429
    response["Retry-After"] = str(limit.retry_after())
    return response


def live_fair(fair_id):
    return get_object_or_404(JobFairPage.objects.readable(), pk=fair_id)


def preselected_position(request):
    """`?position=<pk>` from a 「我感兴趣」 link; the form ticks it only if it is one of this fair's open positions."""
    pk = request.GET.get("position", "")
    return int(pk) if pk.isascii() and pk.isdigit() else None


def recent_entry(fair, phone):
    """This number's entry for this fair sent within SIGNUP_REPEAT_SECONDS, or None: a second tap, a refresh
    or the back button, not a new sign-up."""
    since = timezone.now() - timedelta(seconds=settings.SIGNUP_REPEAT_SECONDS)
    return Signup.objects.filter(fair=fair, phone=phone, created_at__gte=since).first()


@contextmanager
def sending(fair, phone):
    """Whether this number's entry for this fair may be stored now: not while another request (a double
    tap's first) is storing it. Without a reachable cache every request may."""
    cache = caches["default"]
    key = f"signups:sending:{hashed(f'{fair.pk}:{phone}')}"
    if not cache.add(key, 1, SENDING_SECONDS) and reachable(cache):
        yield False
        return
    try:
        yield True
    finally:
        cache.delete(key)


@never_cache
@csrf_protect
def interest_form(request, fair_id):
    if request.method == "POST":  # a flood is refused before anything is read from the database
        limit = first_refusal(address_limits(), client_address(request))
        if limit is not None:
            return refused(request, limit)
    fair = live_fair(fair_id)
    if request.method != "POST":
        form = InterestForm(fair, preselected=preselected_position(request))
        return show_form(request, fair, form)
    form = InterestForm(fair, request.POST)
    if form.caught:
        return render(request, "signups/received.html", {"fair": fair})
    if not form.is_valid():
        return show_form(request, fair, form)
    data = form.cleaned_data
    if (earlier := recent_entry(fair, data["phone"])) is not None:
        return repeated(request, fair, earlier)
    limit = first_refusal(phone_limits(), data["phone"])
    if limit is not None:
        return refused(request, limit, "signups/phone_limited.html")
    with sending(fair, data["phone"]) as alone:
        earlier = recent_entry(fair, data["phone"]) if alone else None
        if not alone or earlier is not None:
            return repeated(request, fair, earlier)
        signup, code = sign_up(fair, data["name"], data["phone"], data["note"], form.chosen_positions)
    request.session[RESULT_KEY] = {"fair": fair.pk, "signup": signup.pk, "code": code, "until": time.time() + RESULT_KEPT_SECONDS}
    return redirect("signups:result", fair_id=fair.pk)


def repeated(request, fair, earlier):
    """A second sending of an entry: the result page says it was already received. A result not yet
    shown (the first tap's answer never arrived) stays to be shown."""
    kept = request.session.get(RESULT_KEY)
    if not (kept and kept.get("fair") == fair.pk and kept.get("code")):
        request.session[RESULT_KEY] = {
            "fair": fair.pk,
            "signup": earlier.pk if earlier else None,
            "repeat": True,
            "until": time.time() + RESULT_KEPT_SECONDS,
        }
    return redirect("signups:result", fair_id=fair.pk)


@never_cache
def result(request, fair_id):
    """The entry just sent, with its withdrawal code: shown once, then forgotten (a refresh shows no code)."""
    fair = live_fair(fair_id)
    kept = request.session.pop(RESULT_KEY, None) or {}
    fresh = kept.get("fair") == fair.pk and kept.get("until", 0) > time.time()
    signup = Signup.objects.filter(pk=kept.get("signup"), fair=fair).first() if fresh and kept.get("signup") else None
    context = {"fair": fair, "signup": signup, "choices": signup.choices.all() if signup else []}
    if fresh and kept.get("code") and signup is not None:
        context["code"] = grouped(kept["code"])
        context["link"] = request.build_absolute_uri(reverse("signups:withdraw")) + "#" + context["code"]
    else:
        context["repeat"] = fresh and kept.get("repeat", False)
    return no_referrer(render(request, "signups/result.html", context))


def show_form(request, fair, form):
    context = {
        "fair": fair,
        "form": form,
        "groups": form.groups(),
        "honeypot": HONEYPOT,
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
def withdraw_page(request):
    """GET: the form for the code (the result page's link fills it in, from after "#"). POST `code`: the
    matching entry, to confirm; POST `code` and `confirm`: the entry deleted."""
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
    if request.POST.get("confirm"):
        fair = signup.fair
        withdraw(signup)
        return no_referrer(render(request, "signups/withdrawn.html", {"fair": fair}))
    context = {"signup": signup, "code": grouped(normalise_code(typed)), "choices": signup.choices.all()}
    return same_origin_referrer(render(request, "signups/withdraw_confirm.html", context))
