"""Reading the fixed taxonomy file. Plain data, no Django: the models and the sync both build on it."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.toml")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class TaxonomyError(ValueError):
    pass


@dataclass(frozen=True)
class Taxonomy:
    home: "Home"
    columns: tuple["Column", ...]

    @property
    def series(self):
        return tuple(series for column in self.columns for series in column.series)


@dataclass(frozen=True)
class Series:
    slug: str
    title: str
    intro: str = ""


@dataclass(frozen=True)
class Home:
    slug: str
    title: str
    intro: str = ""


@dataclass(frozen=True)
class Column:
    slug: str
    title: str
    intro: str
    series: tuple[Series, ...]


def load_taxonomy(path=TAXONOMY_FILE):
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    if "home" not in data:
        raise TaxonomyError(f"{path}: no [home] entry")
    home = Home(**_checked(data["home"], {"slug", "title", "intro"}))
    columns = tuple(_parse_column(raw) for raw in data.get("column", []))
    if not columns:
        raise TaxonomyError(f"{path}: no [[column]] entries")
    taxonomy = Taxonomy(home=home, columns=columns)
    slugs = [column.slug for column in columns] + [series.slug for series in taxonomy.series]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise TaxonomyError(f"{path}: duplicate slugs {', '.join(duplicates)}")
    return taxonomy


def _parse_column(raw):
    series = tuple(Series(**_checked(entry, {"slug", "title", "intro"})) for entry in raw.get("series", []))
    if not series:
        raise TaxonomyError(f"column {raw.get('slug')!r} has no series")
    fields = _checked({k: v for k, v in raw.items() if k != "series"}, {"slug", "title", "intro"})
    return Column(series=series, **{"intro": "", **fields})


def _checked(entry, allowed):
    unknown = set(entry) - allowed
    if unknown:
        raise TaxonomyError(f"unknown keys {sorted(unknown)} in {entry!r}")
    slug, title = entry.get("slug", ""), entry.get("title", "")
    if not SLUG_PATTERN.match(slug):
        raise TaxonomyError(f"bad slug {slug!r}: use lower-case letters, digits and hyphens")
    if not title.strip():
        raise TaxonomyError(f"{slug}: empty title")
    return entry
