"""Chinese search: jieba segments text when it is indexed and when it is queried, for every search.

Neither SQLite FTS5 nor PostgreSQL's `simple` configuration splits Chinese into words: a run of
Chinese characters is one token, so 劳动 would never find 劳动美. Here, indexed text is cut in jieba's
search mode (a long word is indexed with the dictionary words inside it: 劳动美 → 劳动 劳动美) and a
query in its precise mode (招聘会 stays one word), and both are stored and sent as space-separated
words the databases do split. The backend wraps Wagtail's database backend, so the public site, the
admin and `update_index` all go through this one module.
"""

import functools
import logging
import re
import threading
from pathlib import Path

import jieba
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.query import And, Or, Phrase, PlainText
from wagtail.search.backends import database

USER_DICTIONARY = Path(__file__).with_name("words.txt")
WORD = re.compile(r"\w", re.UNICODE)
# A query of more words than this is cut: each word adds to the SQL expression the database evaluates.
MAX_QUERY_WORDS = 12

_tokenizer = None
_tokenizer_lock = threading.Lock()


def tokenizer():
    """jieba with the union's own words, loaded once per process (loading takes about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                loaded = jieba.Tokenizer()
                loaded.load_userdict(str(USER_DICTIONARY))
                _tokenizer = loaded
    return _tokenizer


def is_word(token):
    return bool(WORD.search(token))


def index_words(text):
    """Every word a reader might search for in `text`: a long word also yields each dictionary word inside it.

    jieba's own search mode looks only at two- and three-character pieces, so 劳动合同法 would not
    be found by 劳动合同; here every piece of two characters or more that jieba knows is kept.
    """
    words = tokenizer().FREQ
    found = []
    for token in tokenizer().cut(text, HMM=False):
        if not is_word(token):
            continue
        for size in range(2, len(token)):
            found.extend(
                token[start : start + size] for start in range(len(token) - size + 1) if words.get(token[start : start + size])
            )
        found.append(token)
    return found


def query_words(text):
    """The words of a query, lower-cased as the index stores them, at most MAX_QUERY_WORDS of them."""
    words = [token.lower() for token in tokenizer().cut(text[: MAX_QUERY_WORDS * 10], HMM=False) if is_word(token)]
    return words[:MAX_QUERY_WORDS]


def segment_for_index(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(segment_for_index(item) for item in value)
    if isinstance(value, dict):
        return segment_for_index(list(value.values()))
    return " ".join(index_words(force_str(value)))


def pieces_of(word):
    """The dictionary words that make up `word`, longest first from the left, for when the text cut it apart.

    jieba cuts by context: 劳动合同法 becomes 劳动 合同法, so the query word 劳动合同 is not in that
    article's index, but 劳动 and 合同 are. Only a cover by words of two characters or more counts
    (劳动美 is not 劳动 + 美: single characters are rarely tokens, and dropping one finds too much).
    """
    words = tokenizer().FREQ
    pieces, start = [], 0
    while start < len(word):
        end = next(
            (end for end in range(len(word), start + 1, -1) if (end - start) < len(word) and words.get(word[start:end])),
            None,
        )
        if end is None:
            return []
        pieces.append(word[start:end])
        start = end
    return pieces


def word_query(word):
    pieces = pieces_of(word) if len(word) > 2 else []
    if not pieces:
        return PlainText(word)
    return Or([PlainText(word), PlainText(" ".join(pieces), operator="and")])


def segment_query(query):
    """A query with its Chinese split into words, each matched whole or by the words it is made of."""
    if isinstance(query, str):
        query = PlainText(query, operator="and")
    if isinstance(query, PlainText):
        words = query_words(query.query_string)
        if not words:
            return None
        parts = [word_query(word) for word in words]
        if len(parts) == 1:
            return parts[0]
        return And(parts) if query.operator == "and" else Or(parts)
    if isinstance(query, Phrase):
        words = query_words(query.query_string)
        return Phrase(" ".join(words)) if words else None
    return query


def highlight_words(query):
    """What to mark in results: the query's words and, for a word the text may have cut apart, its pieces."""
    words = query_words(query)
    return words + [piece for word in words for piece in pieces_of(word) if piece not in words]


def highlight(text, words):
    """`text` escaped for HTML, with each of `words` wrapped in <mark>."""
    if not text:
        return ""
    words = sorted({word for word in words if word}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


def excerpt(text, words, width=90):
    """The part of `text` around the first word found, so a result shows why it matched."""
    text = " ".join(text.split())
    positions = [text.lower().find(word) for word in words]
    positions = [position for position in positions if position >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


# --- indexing -----------------------------------------------------------------------------------


class SegmentedField:
    """A search field whose value reaches the index as jieba words."""

    def __init__(self, field):
        self.field = field

    def __getattr__(self, name):
        return getattr(self.field, name)

    def get_value(self, obj):
        if not isinstance(obj, SegmentedObject):  # an object reached through RelatedFields
            return segment_for_index(self.field.get_value(obj))
        # The indexer reads every field three times (title, body, autocomplete): segment once.
        if self not in obj.segmented:
            obj.segmented[self] = segment_for_index(self.field.get_value(obj.indexed_object))
        return obj.segmented[self]


class SegmentedSearchField(SegmentedField, SearchField):
    pass


class SegmentedAutocompleteField(SegmentedField, AutocompleteField):
    pass


class SegmentedRelatedFields(RelatedFields):
    def __init__(self, related):
        super().__init__(related.field_name, segmented_fields(related.fields))
        self.related = related

    def get_value(self, obj):
        return self.related.get_value(getattr(obj, "indexed_object", obj))


def segmented_fields(fields):
    wrapped = []
    for field in fields:
        if isinstance(field, AutocompleteField):
            wrapped.append(SegmentedAutocompleteField(field))
        elif isinstance(field, SearchField):
            wrapped.append(SegmentedSearchField(field))
        elif isinstance(field, RelatedFields):
            wrapped.append(SegmentedRelatedFields(field))
        else:
            wrapped.append(field)
    return wrapped


class SegmentedObject:
    """What the database backend's indexer sees instead of the object: the same key, segmented fields."""

    def __init__(self, obj):
        self.indexed_object = obj
        self.pk = obj.pk
        self.segmented = {}
        self.fields = segmented_fields(obj.get_search_fields())

    def get_search_fields(self):
        return self.fields


class SegmentingIndexMixin:
    def add_items(self, model, objs):
        super().add_items(model, [SegmentedObject(obj) for obj in objs])


class SegmentingQueryMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        # The words of one Chinese phrase must all be present: `and` unless the caller says otherwise.
        if isinstance(query, str):
            query = PlainText(query, operator=kwargs.pop("operator", None) or "and")
        query = segment_query(query)
        if query is None:
            query = ""  # only punctuation or spaces: no results rather than every row
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


def with_mixin(mixin, base):
    return type(f"{mixin.__name__.removesuffix('Mixin')}{base.__name__}", (mixin, base), {})


@functools.cache
def segmenting_backend_class(vendor_class):
    attributes = {"index_class": with_mixin(SegmentingIndexMixin, vendor_class.index_class)}
    if vendor_class.__name__ == "SQLiteSearchBackend":
        from .sqlite_ranking import RankedQueryCompilerMixin, RankedResultsMixin

        attributes.update(
            query_compiler_class=with_mixin(RankedQueryCompilerMixin, vendor_class.query_compiler_class),
            autocomplete_query_compiler_class=with_mixin(
                RankedQueryCompilerMixin, vendor_class.autocomplete_query_compiler_class
            ),
            results_class=with_mixin(RankedResultsMixin, vendor_class.results_class),
        )
    if vendor_class.__name__ == "PostgresSearchBackend":
        from .postgres_ranking import RankedOnceResultsMixin

        attributes["results_class"] = with_mixin(RankedOnceResultsMixin, vendor_class.results_class)
    return type(f"Chinese{vendor_class.__name__}", (SegmentingQueryMixin, vendor_class), attributes)


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    """Wagtail's database backend for this database (SQLite FTS5 or PostgreSQL), segmenting Chinese."""
    vendor_backend = database.SearchBackend(params)
    return segmenting_backend_class(type(vendor_backend))(params)
