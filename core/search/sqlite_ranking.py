"""Relevance-ordered search on SQLite FTS5 in one pass over the matches.

Wagtail's SQLite backend (modelsearch) orders results by a score it attaches to each row with a
correlated subquery, which runs the full-text MATCH again for every candidate row: the cost grows
with the square of the number of matches (a common word in 26,000 articles took 50 s). Here the
matches are scored and ordered once, filtered by the source queryset's conditions inside the same
statement, and their ids read in that order: the count and the requested page both come from that
one pass (counting apart ranked every match a second time), and only the page's rows are fetched.
"""

from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks


class RankedQueryCompilerMixin:
    def ranked_matches(self, config):
        """(object id, score) of every match the source queryset admits, best first; None when not
        ordering by relevance, where modelsearch's own plain filter is already a single pass."""
        query = normalize(self.query)
        if not self.order_by_relevance or isinstance(query, (MatchAll, Not)):
            return None
        match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config))
        return (
            SQLiteFTSIndexEntry.objects.filter(match)
            .filter(
                index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model),
                index_entry__object_id__in=self.queryset.values("pk"),
            )
            .annotate(score=self._build_rank_expression(self.get_search_vectors(), config))
            .order_by("score", "-index_entry__object_id")
            .values_list("index_entry__object_id", "score")
        )

    def ranked_ids(self, config):
        """(object id, score) of every match, best first, read once per search; None as ranked_matches()."""
        if not hasattr(self, "_ranked_ids"):
            ranked = self.ranked_matches(config)
            self._ranked_ids = None if ranked is None else list(ranked)
        return self._ranked_ids

    def search(self, config, start, stop, score_field=None):
        ranked = self.ranked_ids(config)
        if ranked is None:
            return super().search(config, start, stop, score_field)
        page = ranked[start:stop]
        found = self.queryset.in_bulk([self.queryset.model._meta.pk.to_python(object_id) for object_id, _ in page])
        results = []
        for object_id, score in page:
            obj = found.get(self.queryset.model._meta.pk.to_python(object_id))
            if obj is not None:
                if score_field:
                    setattr(obj, score_field, score)
                results.append(obj)
        return results


class RankedResultsMixin:
    def _do_count(self):
        ranked = self.query_compiler.ranked_ids(self.query_compiler.get_config(self.backend))
        if ranked is None:
            return super()._do_count()
        return len(ranked)

    def facet(self, field_name):
        # Facet counts need no order: modelsearch's own filter (no score subquery) answers them.
        compiler = self.query_compiler
        ordered, compiler.order_by_relevance = compiler.order_by_relevance, False
        try:
            return super().facet(field_name)
        finally:
            compiler.order_by_relevance = ordered
