"""Sensitive-word (敏感词) and common-typo (易错词) scans over an article's text.

One Aho–Corasick automaton per list finds every entry in a single pass over the text, so the
cost depends on the article's length, not on the size of the list. ahocorasick_rs is used rather
than pyahocorasick: the latter searches a node's children linearly, which with thousands of
distinct first characters (Chinese) made a 20,000-character scan take ~37 ms instead of <1 ms
(bench/content_check.py). The automata are rebuilt only when a list changes, in each process.
"""

from dataclasses import dataclass

import ahocorasick_rs
from django.db.models import Count, Max
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.fields import StreamField


@dataclass(frozen=True)
class Hit:
    word: str
    where: str
    offset: int
    suggestion: str = ""

    def describe(self):
        if self.suggestion:
            return _("「%(word)s」应为「%(suggestion)s」（%(where)s）") % {
                "word": self.word,
                "suggestion": self.suggestion,
                "where": self.where,
            }
        return _("敏感词「%(word)s」（%(where)s）") % {"word": self.word, "where": self.where}


class WordScanner:
    def __init__(self, entries):
        """entries: (word, suggestion) pairs; blank words are ignored."""
        suggestions = {word.strip(): suggestion for word, suggestion in entries if word.strip()}
        self.words = list(suggestions)
        self.suggestions = [suggestions[word] for word in self.words]
        self.automaton = ahocorasick_rs.AhoCorasick(self.words) if self.words else None

    def scan(self, labelled_texts):
        """labelled_texts: (where, text) pairs. Returns every hit, overlapping ones included."""
        if self.automaton is None:
            return []
        hits = []
        for where, text in labelled_texts:
            for index, start, _end in self.automaton.find_matches_as_indexes(text, overlapping=True):
                hits.append(Hit(self.words[index], where, start, self.suggestions[index]))
        return hits


def checked_texts(page_model, values):
    """The texts of a page that the word lists check, each labelled the way an editor would look for it.

    Any page type takes part by naming its fields in `checked_fields`; `values` maps those names to
    what is being checked (a form's cleaned data, a revision's content). A StreamField is checked
    block by block.
    """
    texts = []
    for name in page_model.checked_fields:
        field, value = page_model._meta.get_field(name), values.get(name)
        if isinstance(field, StreamField):
            for number, block in enumerate(value or [], start=1):
                where = _("%(field)s第%(number)d块（%(kind)s）") % {
                    "field": field.verbose_name,
                    "number": number,
                    "kind": block.block.label,
                }
                texts.append((where, strip_tags(" ".join(block.block.get_searchable_content(block.value)))))
        else:
            texts.append((str(capfirst(field.verbose_name)), value or ""))
    return [(where, text) for where, text in texts if text]


def page_texts(page):
    """The checked texts of a page object (a live page, a revision's content); none for a page type without checks.

    A page type whose child rows hold text too (a job fair's positions) adds them, labelled, with
    `child_checked_texts()`.
    """
    fields = getattr(type(page), "checked_fields", ())
    texts = checked_texts(type(page), {name: getattr(page, name) for name in fields}) if fields else []
    children = getattr(page, "child_checked_texts", None)
    return texts + (children() if children else [])


def blocking_hits(page, final=False):
    """What stops a page object from passing a review step: its sensitive words, and whatever else
    its page type blocks on (`review_blocking_hits(final)`, each hit with a describe()); `final`:
    the workflow's last step, where what the earlier steps left for it is decided."""
    hits = find_sensitive_words(page_texts(page))
    others = getattr(page, "review_blocking_hits", None)
    return hits + (others(final=final) if others else [])


class _CachedScanner:
    """Keeps a scanner per process and rebuilds it when the list's size or latest edit changes."""

    def __init__(self, model, word_field, suggestion_field=None):
        self.model, self.word_field, self.suggestion_field = model, word_field, suggestion_field
        self.version, self.scanner = None, None

    def get(self):
        version = tuple(self.model.objects.aggregate(count=Count("pk"), latest=Max("updated_at")).values())
        if version != self.version:
            fields = [self.word_field] + ([self.suggestion_field] if self.suggestion_field else [])
            rows = self.model.objects.values_list(*fields)
            self.scanner = WordScanner((row[0], row[1] if len(row) > 1 else "") for row in rows)
            self.version = version
        return self.scanner


_scanners = {}


def _scanner(kind):
    if kind not in _scanners:
        from .models import CommonTypo, SensitiveWord

        _scanners["sensitive"] = _CachedScanner(SensitiveWord, "word")
        _scanners["typo"] = _CachedScanner(CommonTypo, "wrong", "correct")
    return _scanners[kind].get()


def find_sensitive_words(texts):
    return _scanner("sensitive").scan(texts)


def find_typos(texts):
    return _scanner("typo").scan(texts)
