"""The 招聘禁用词 scan over a position's texts, with the phrases that only look alike let through.

A word is reported unless it lies wholly inside an allowed phrase found in the same text: 限男 in
不限男女 passes, 乙肝 in 乙肝携带者可 passes, but 非乙肝 before 乙肝携带者可 does not. Both lists are
kept in the admin; the automata are rebuilt when either changes, in each process (as content_checks).
"""

from dataclasses import dataclass

import ahocorasick_rs
from django.db.models import Count, Max
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class BannedHit:
    word: str
    where: str
    offset: int

    def describe(self):
        return _("招聘禁用词「%(word)s」（%(where)s）") % {"word": self.word, "where": self.where}


def _automaton(words):
    return ahocorasick_rs.AhoCorasick(words) if words else None


class BannedWordScanner:
    def __init__(self, banned, allowed=()):
        self.banned = sorted({word.strip() for word in banned if word.strip()})
        self.allowed = sorted({phrase.strip() for phrase in allowed if phrase.strip()})
        self.banned_automaton, self.allowed_automaton = _automaton(self.banned), _automaton(self.allowed)

    def scan(self, labelled_texts):
        """labelled_texts: (where, text) pairs. Every banned word outside the allowed phrases, in order."""
        if self.banned_automaton is None:
            return []
        hits = []
        for where, text in labelled_texts:
            allowed_spans = []
            if self.allowed_automaton is not None:
                allowed_spans = [
                    (start, end) for _i, start, end in self.allowed_automaton.find_matches_as_indexes(text, overlapping=True)
                ]
            for index, start, end in self.banned_automaton.find_matches_as_indexes(text, overlapping=True):
                if not any(low <= start and end <= high for low, high in allowed_spans):
                    hits.append(BannedHit(self.banned[index], where, start))
        return hits


class _CachedScanner:
    def __init__(self):
        self.version, self.scanner = None, None

    def get(self):
        from .models import RecruitmentAllowedPhrase, RecruitmentBannedWord

        lists = (RecruitmentBannedWord, RecruitmentAllowedPhrase)
        version = tuple(tuple(model.objects.aggregate(count=Count("pk"), latest=Max("updated_at")).values()) for model in lists)
        if version != self.version:
            banned = RecruitmentBannedWord.objects.values_list("word", flat=True)
            allowed = RecruitmentAllowedPhrase.objects.values_list("phrase", flat=True)
            self.scanner, self.version = BannedWordScanner(banned, allowed), version
        return self.scanner


_scanner = _CachedScanner()


def find_banned_words(labelled_texts):
    return _scanner.get().scan(labelled_texts)
