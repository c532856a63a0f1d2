"""PostgreSQL search results counted and paged from one ranking of the matches.

modelsearch counts the matches with one query and ranks them again for the page with another,
each computing `ts_rank` for every match and carrying whole article rows (bodies included) through
the sort. Here the ids of every match are read once, in rank order: the count is their number, and
the page's rows are fetched by id.
"""


class RankedOnceResultsMixin:
    def ranked_ids(self):
        compiler = self.query_compiler
        if not hasattr(compiler, "_ranked_ids"):  # the compiler is shared by this search's slices
            matches = compiler.search(compiler.get_config(self.backend), None, None, backend=self.backend)
            compiler._ranked_ids = list(matches.values_list("pk", flat=True))
        return compiler._ranked_ids

    def _do_count(self):
        return len(self.ranked_ids())

    def _do_search(self):
        if self._score_field:  # the score itself was asked for: modelsearch's own query carries it
            return super()._do_search()
        page = self.ranked_ids()[self.start : self.stop]
        found = self.query_compiler.queryset.in_bulk(page)
        return [found[object_id] for object_id in page if object_id in found]
