"""Make the page tree match the taxonomy file: safe to run any number of times.

Pages are matched by slug. A missing page is created, a page under the wrong parent is moved
back, siblings are put in the file's order and unpublished ones go live again. A title or intro
changes only while it still holds what the sync last wrote: an administrator's edit wins.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext
from wagtail.models import Page, Site

from .models import TAXONOMY, ColumnPage, HomePage, SeriesPage, SiteSettings, TaxonomySyncRecord

SYNCED_FIELDS = ("title", "intro")


def sync_taxonomy(taxonomy=TAXONOMY):
    """Return the changes made, in words for the operator; an empty list means the tree already matched."""
    changes = []
    with transaction.atomic():
        home = _ensure_page(HomePage, Page.get_first_root_node(), taxonomy.home, changes)
        site = _ensure_default_site(home, changes)
        SiteSettings.objects.get_or_create(site=site)  # every page reads it: made here, not by the first reader
        for column_spec in taxonomy.columns:
            column = _ensure_page(ColumnPage, home, column_spec, changes)
            for series_spec in column_spec.series:
                _ensure_page(SeriesPage, column, series_spec, changes)
            _ensure_order(column, SeriesPage, [series.slug for series in column_spec.series], changes)
        _ensure_order(home, ColumnPage, [column.slug for column in taxonomy.columns], changes)
    return changes


def _ensure_page(model, parent, spec, changes):
    label = gettext("%(type)s「%(title)s」(%(slug)s)") % {
        "type": model._meta.verbose_name,
        "title": spec.title,
        "slug": spec.slug,
    }
    record, _ = TaxonomySyncRecord.objects.get_or_create(slug=spec.slug, defaults={"title": spec.title, "intro": spec.intro})
    page = model.objects.filter(slug=spec.slug).first()
    if page is None:
        _remove_placeholder(parent, spec.slug)
        page = parent.add_child(instance=model(slug=spec.slug, title=spec.title, intro=spec.intro))
        page.save_revision().publish()
        changes.append(gettext("新建 %(page)s") % {"page": label})
    else:
        page = _ensure_parent(page, parent, label, changes)
        _apply_file_edits(page, record, spec, label, changes)
    _remember(record, spec)
    return page


def _remove_placeholder(parent, slug):
    """Wagtail's installer leaves a bare welcome page at the site root; it makes way for ours."""
    bare_page_type = ContentType.objects.get_for_model(Page)
    for placeholder in parent.get_children().filter(slug=slug, content_type=bare_page_type):
        if placeholder.is_leaf():
            placeholder.delete()


def _ensure_parent(page, parent, label, changes):
    if page.get_parent().pk != parent.pk:
        page.move(parent, pos="last-child")
        changes.append(gettext("移回 %(page)s 到「%(parent)s」下") % {"page": label, "parent": parent.title})
        page = type(page).objects.get(pk=page.pk)
    return page


def _apply_file_edits(page, record, spec, label, changes):
    edits = {}
    if not page.has_unpublished_changes:
        for field in SYNCED_FIELDS:
            last_synced, wanted = getattr(record, field), getattr(spec, field)
            if getattr(page, field) == last_synced and wanted != last_synced:
                edits[field] = wanted
    if not edits and page.live:
        return
    for field, value in edits.items():
        setattr(page, field, value)
    page.save_revision().publish()
    if edits:
        fields = "、".join(_field_label(page, field) for field in edits)
        changes.append(gettext("更新 %(page)s 的%(fields)s") % {"page": label, "fields": fields})
    else:
        changes.append(gettext("重新发布 %(page)s") % {"page": label})


def _field_label(page, field):
    return str(page._meta.get_field(field).verbose_name)


def _remember(record, spec):
    if (record.title, record.intro) != (spec.title, spec.intro):
        record.title, record.intro = spec.title, spec.intro
        record.save(update_fields=["title", "intro"])


def _ensure_order(parent, model, slugs, changes):
    current = list(model.objects.child_of(parent).filter(slug__in=slugs).values_list("slug", flat=True))
    if current == slugs:
        return
    for slug in slugs:
        model.objects.get(slug=slug).move(parent, pos="last-child")
    changes.append(
        gettext("按数据文件重排「%(parent)s」下的%(type)s顺序") % {"parent": parent.title, "type": model._meta.verbose_name}
    )


def _ensure_default_site(home, changes):
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.filter(hostname="localhost", port=80).first()
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=home.title)
        changes.append(gettext("创建默认站点"))
    elif site.root_page_id != home.pk or not site.is_default_site:
        site.root_page, site.is_default_site = home, True
        site.save(update_fields=["root_page", "is_default_site"])
        changes.append(gettext("默认站点指向首页"))
    return site
