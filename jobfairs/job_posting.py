"""schema.org `JobPosting` for a position's page, as search engines read it (JSON-LD).

Only a position still open carries it: the markup goes once its 有效期 has passed, so no search
engine keeps offering a closed position.
"""

import json
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.safestring import mark_safe

EMPLOYMENT_TYPES = {"full_time": "FULL_TIME", "part_time": "PART_TIME", "temporary": "TEMPORARY", "intern": "INTERN"}
PAY_UNITS = {"month": "MONTH", "day": "DAY", "hour": "HOUR"}
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def closes_at(position):
    """The first moment the position is no longer open: midnight after its last valid day, local time."""
    last_day = datetime.combine(position.valid_until, time.min) + timedelta(days=1)
    return timezone.make_aware(last_day)


def is_open(position, now=None):
    return position.valid_until is not None and (now or timezone.now()) < closes_at(position)


def job_posting(position, fair, page_url, fair_url, logo_url=None):
    employer = position.employer
    description = "\n".join(text for text in (position.duties, position.requirements) if text)
    organisation = {"@type": "Organization", "name": employer.name}
    if logo_url:
        organisation["logo"] = logo_url
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": position.job_title,
        "description": description,
        "datePosted": timezone.localtime(fair.first_published_at or fair.date_published).date().isoformat(),
        "validThrough": timezone.localtime(closes_at(position)).isoformat(),
        "employmentType": EMPLOYMENT_TYPES[position.employment_type],
        "hiringOrganization": organisation,
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": position.district,
                "streetAddress": employer.address,
                "addressCountry": "CN",
            },
        },
        "totalJobOpenings": position.headcount,
        "url": page_url,
        "sameAs": fair_url,
    }
    if position.pay_unit in PAY_UNITS:  # a piece rate has no unit schema.org knows: no baseSalary
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": "CNY",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": position.pay_min,
                "maxValue": position.pay_max,
                "unitText": PAY_UNITS[position.pay_unit],
            },
        }
    if position.benefits:
        data["jobBenefits"] = position.benefits
    if position.working_hours:
        data["workHours"] = position.working_hours
    return data


def json_ld(data):
    """A <script type="application/ld+json"> no text inside can close or break out of."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above
