"""The position filters on a fair's page (行业, 薪资, 工作地点, 学历), by query string, without JavaScript.

Each filter offers only what the fair's positions hold, so a filtered page is one of a few known
addresses: the page cache stores it under exactly those (`core.page_cache.accept_filters`) and
renders anything else afresh, uncached. Pay is compared per month: a day is 21.75 working days'
worth of a month (the statutory 月计薪天数), an hour eight of a day's; piece rates have a band of their own.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DAYS_PER_MONTH = 21.75
HOURS_PER_DAY = 8
PER_MONTH = {"month": 1, "day": DAYS_PER_MONTH, "hour": DAYS_PER_MONTH * HOURS_PER_DAY}
PIECE_RATE = "piece"
FILTER_KEYS = ("industry", "pay", "district", "education")


@dataclass(frozen=True)
class PayBand:
    value: str
    label: str
    low: float
    high: float  # exclusive

    def holds(self, position):
        if position.pay_unit not in PER_MONTH or position.pay_min is None or position.pay_max is None:
            return self.value == PIECE_RATE and position.pay_unit == PIECE_RATE
        low, high = position.pay_min * PER_MONTH[position.pay_unit], position.pay_max * PER_MONTH[position.pay_unit]
        if low == high:  # one figure: the band it falls in
            return self.low <= low < self.high
        return low < self.high and high > self.low  # a range only touching a band's edge is not in it


PAY_BANDS = (
    PayBand("lt4000", _("4000元/月以下"), 0, 4000),
    PayBand("4000-6000", _("4000–6000元/月"), 4000, 6000),
    PayBand("6000-8000", _("6000–8000元/月"), 6000, 8000),
    PayBand("8000-12000", _("8000–12000元/月"), 8000, 12000),
    PayBand("12000+", _("12000元/月以上"), 12000, float("inf")),
    PayBand(PIECE_RATE, _("计件工资"), 0, 0),
)


@dataclass(frozen=True)
class Filter:
    key: str
    label: str
    options: tuple  # (value, label), in the order offered
    matches: object  # (position, value) -> bool

    def option_values(self):
        return {value for value, _label in self.options}


def education_rank(education_choices):
    """学历不限 first, then each level up: a position asking 高中 suits whoever has 高中 or more."""
    return {value: rank for rank, value in enumerate(education_choices)}


def fair_filters(positions, education_choices):
    """The filters over these positions, each with only the options some position has."""
    ranks = education_rank([value for value, _label in education_choices])
    industries = sorted({position.employer.industry for position in positions if position.employer})
    districts = sorted({position.district for position in positions if position.district})
    bands = tuple((band.value, band.label) for band in PAY_BANDS if any(band.holds(p) for p in positions))
    asked = {position.education for position in positions if position.education in ranks}
    levels = tuple((value, label) for value, label in education_choices if value in asked and ranks[value] > 0)
    by_band = {band.value: band for band in PAY_BANDS}
    return (
        Filter(
            "industry",
            _("行业"),
            tuple((name, name) for name in industries),
            lambda position, value: position.employer is not None and position.employer.industry == value,
        ),
        Filter("pay", _("薪资"), bands, lambda position, value: by_band[value].holds(position)),
        Filter("district", _("工作地点"), tuple((name, name) for name in districts), lambda p, value: p.district == value),
        Filter(
            "education",
            _("我的学历"),
            levels,
            lambda position, value: ranks.get(position.education, len(ranks)) <= ranks[value],
        ),
    )


def chosen(filters, query):
    """{key: value} of the filters asked for, and whether every key and value asked is an option."""
    by_key = {fair_filter.key: fair_filter for fair_filter in filters}
    picked, known = {}, True
    for key, value in query.items():
        fair_filter = by_key.get(key)
        if fair_filter is None:
            continue
        if value in fair_filter.option_values():
            picked[key] = value
        elif value != "":  # 「不限」 posts an empty value
            known = False
    return picked, known


def apply(filters, picked, positions):
    by_key = {fair_filter.key: fair_filter for fair_filter in filters}
    return [position for position in positions if all(by_key[key].matches(position, value) for key, value in picked.items())]
