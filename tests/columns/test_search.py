"""Chinese search: two-character words inside longer ones, and nothing that merely shares characters."""

import pytest
from wagtail.models import PageLogEntry
from wagtail.search.backends import get_search_backend

from columns.models import ArticlePage, SeriesPage
from core.search.backend import highlight, index_words, query_words
from tests.factories import ArticlePageFactory

CORPUS = {
    "welder": ("劳动美·劳模风采：焊工张建国的三十年", "他在车间坚守三十年，获得全国劳动模范称号。"),
    "job_fair": ("工人文化宫举办春季招聘会", "本次招聘会提供岗位八百余个，现场还有直播荐岗。"),
    "staff_meeting": ("企业召开员工会议", "员工会议部署安全生产工作。"),
    "cooling": ("淮北市总工会开展送清凉活动", "为户外劳动者送去防暑用品。"),
    "night_school": ("职工夜校开设电工课程", "夜校课程免费向职工开放，电工、焊工等技能培训。"),
    "livestream": ("直播荐岗第十二期：新能源企业专场", "主播带大家走进企业车间，了解岗位待遇。"),
    "women": ("女职工权益保护讲座", "律师讲解劳动合同法中的女职工特殊保护。"),
    "reading": ("淮工阅读：读书会分享《平凡的世界》", "读书会每月举办一次。"),
    "english": ("Python programming course for workers", "Learn Python and data analysis in the evening."),
    "craftsman": ("工匠精神在一线", "数控机床操作工李强精益求精。"),
    "calligraphy": ("文化宫动态：书法作品展", "职工书法作品在文化宫二楼展出。"),
    "hardship": ("暖心关爱：困难职工帮扶", "春节前夕为困难职工送去慰问金。"),
}

# (query, must find, must not find)
CASES = [
    ("劳动", {"welder", "cooling", "women"}, {"job_fair", "staff_meeting"}),
    ("劳动美", {"welder"}, {"cooling", "women"}),
    ("招聘", {"job_fair"}, {"livestream", "welder"}),
    ("招聘会", {"job_fair"}, {"livestream"}),
    ("工会", {"cooling"}, {"staff_meeting"}),
    ("员工", {"staff_meeting"}, {"cooling"}),
    ("会议", {"staff_meeting"}, {"cooling", "job_fair"}),
    ("直播荐岗", {"job_fair", "livestream"}, {"night_school"}),
    ("直播", {"job_fair", "livestream"}, {"reading"}),
    ("工人文化宫", {"job_fair"}, {"calligraphy"}),
    ("文化宫", {"job_fair", "calligraphy"}, {"reading"}),
    ("淮北", {"cooling"}, {"reading"}),
    ("总工会", {"cooling"}, {"staff_meeting"}),
    ("焊工", {"welder", "night_school"}, {"craftsman"}),
    ("夜校", {"night_school"}, {"reading"}),
    ("职工夜校", {"night_school"}, {"hardship"}),
    ("女职工", {"women"}, {"hardship"}),
    ("劳动合同", {"women"}, {"welder"}),
    ("python", {"english"}, {"night_school"}),
    ("PYTHON", {"english"}, set()),
    ("data analysis", {"english"}, {"night_school"}),
    ("书法", {"calligraphy"}, {"reading"}),
    ("困难职工", {"hardship"}, {"women"}),
    ("慰问金", {"hardship"}, set()),
    ("平凡的世界", {"reading"}, {"welder"}),
    ("读书会", {"reading"}, {"night_school"}),
    ("新能源", {"livestream"}, {"job_fair"}),
    ("安全生产", {"staff_meeting"}, set()),
    ("工匠精神", {"craftsman"}, {"welder"}),
    ("直播 企业", {"livestream"}, {"job_fair"}),
]


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """Twelve published articles, shared by the module's tests (indexing them once keeps the suite fast)."""
    with django_db_blocker.unblock():
        series = SeriesPage.objects.get(slug="laomo-fengcai")
        articles = {
            key: ArticlePageFactory(parent=series, title=title, summary="", body=[("paragraph", f"<p>{text}</p>")])
            for key, (title, text) in CORPUS.items()
        }
        backend = get_search_backend()
        for article in articles.values():
            backend.add(article)
        yield articles
        for article in articles.values():
            article.delete()
        # Committed outside any test's transaction: its history too, or the next test to read the
        # whole history (the admin's 网站历史) finds this module's English titles there.
        PageLogEntry.objects.filter(page_id__in=[article.pk for article in articles.values()]).delete()


def found_keys(corpus, query):
    ids = {article.pk: key for key, article in corpus.items()}
    results = ArticlePage.objects.live().search(query)
    return {ids[article.pk] for article in results if article.pk in ids}


def test_there_are_thirty_queries():
    assert len(CASES) == 30


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "must_find", "must_not_find"), CASES, ids=[case[0] for case in CASES])
def test_query_finds_its_articles_and_no_others(corpus, query, must_find, must_not_find):
    found = found_keys(corpus, query)
    assert must_find <= found, f"{query} missed {must_find - found}"
    assert not (must_not_find & found), f"{query} wrongly found {must_not_find & found}"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["！？，", '"劳动" OR (', "*", "AND", "劳动 NOT", "'; DROP TABLE", "🙂🙂", " " * 5, "劳" * 300])
def test_hostile_or_empty_queries_return_quietly(corpus, query):
    assert isinstance(found_keys(corpus, query), set)


def test_a_long_union_word_is_indexed_with_the_words_inside_it():
    assert {"劳动", "劳动美"} <= set(index_words("劳动美"))
    assert {"招聘", "招聘会"} <= set(index_words("招聘会"))


def test_a_query_keeps_a_dictionary_word_whole():
    assert query_words("直播荐岗招聘会") == ["直播荐岗", "招聘会"]


def test_highlight_marks_the_words_and_escapes_the_rest():
    html = highlight("<b>招聘会</b>今天开幕", ["招聘"])
    assert html == "&lt;b&gt;<mark>招聘</mark>会&lt;/b&gt;今天开幕"


@pytest.mark.django_db
def test_sqlite_ranks_matches_in_one_pass_not_once_per_row(corpus):
    """modelsearch's SQLite backend re-runs the MATCH per candidate row (50 s on 26,000 articles)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's full-text ranking only")
    with CaptureQueriesContext(connection) as captured:
        results = ArticlePage.objects.live().search("职工")
        assert len(list(results[:20])) and results.count() >= 3
    matching = [query["sql"] for query in captured if " MATCH " in query["sql"]]
    assert matching and all(sql.count(" MATCH ") == 1 for sql in matching)


@pytest.mark.django_db
def test_postgresql_can_answer_the_search_filter_from_the_title_and_body_index(corpus):
    """Wagtail matches `title || body`; without an index on that expression every entry is read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's search index only")
    with CaptureQueriesContext(connection) as captured:
        ArticlePage.objects.live().search("职工").count()
    matched = '("wagtailsearch_indexentry"."title" || "wagtailsearch_indexentry"."body") @@'
    assert matched in captured[-1]["sql"], "Wagtail no longer matches title || body: revisit migration 0010"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of test rows would be read whole anyway
        cursor.execute(f"EXPLAIN SELECT 1 FROM wagtailsearch_indexentry WHERE {matched} to_tsquery('职工')")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_title_body_gin" in plan


@pytest.mark.django_db
def test_a_page_of_results_and_its_count_come_from_one_ranking(corpus):
    """modelsearch ranks every match once to count them and again for the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.pagination import paginate

    request = type("Request", (), {"GET": {"page": "2"}})()
    with CaptureQueriesContext(connection) as captured:
        page = paginate(request, ArticlePage.objects.live().search("职工"), per_page=2)
        assert len(page.object_list) >= 1 and page.paginator.count >= 3
    assert sum("wagtailsearch_indexentry" in query["sql"] for query in captured) == 1
