import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from columns.models import ArticlePage, SeriesPage


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")
    password = factory.django.Password("pass-for-tests")


class ArticlePageFactory(factory.Factory):
    """Articles are tree nodes: they are created through their series with add_child, then published."""

    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"职工风采报道第{n}篇")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "一线职工的奋斗故事。"
    author = "李晓雯"
    editor_in_charge = "王敏"
    source = "本站原创"
    date_published = factory.LazyFunction(timezone.now)
    body = factory.LazyAttribute(lambda article: [("paragraph", f"<p>{article.title}的正文。</p>")])

    @classmethod
    def _create(cls, model_class, *args, parent=None, live=True, **kwargs):
        parent = parent or SeriesPage.objects.get(slug="laomo-fengcai")
        article = parent.add_child(instance=model_class(*args, live=False, **kwargs))
        revision = article.save_revision()
        if live:
            revision.publish()
            article.refresh_from_db()
        return article
