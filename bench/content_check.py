"""Sensitive-word scan: a 20,000-character article against a 10,000-word list.

Prints the Aho–Corasick scan time and, as the baseline measured in the same run, the naive
scan (`str.find` for every word) that a first version would write.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from columns.content_checks import WordScanner, article_texts  # noqa: E402
from columns.models import ArticlePage  # noqa: E402

ARTICLE_CHARS = 20_000
WORDS = 10_000
PARAGRAPHS = 40
RUNS = 30


def cjk(rng, length):
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length))


def make_inputs(seed=20261125):
    rng = random.Random(seed)
    words = list({cjk(rng, rng.randint(2, 4)) for _ in range(WORDS * 2)})[:WORDS]
    text = list(cjk(rng, ARTICLE_CHARS))
    for word in rng.sample(words, 20):  # a few real hits, as in a bad draft
        position = rng.randrange(ARTICLE_CHARS - 4)
        text[position : position + len(word)] = word
    text = "".join(text)[:ARTICLE_CHARS]
    size = ARTICLE_CHARS // PARAGRAPHS
    paragraphs = [(f"正文第{i + 1}块", text[i * size : (i + 1) * size]) for i in range(PARAGRAPHS)]
    return words, paragraphs


def naive_scan(words, paragraphs):
    hits = []
    for where, text in paragraphs:
        for word in words:
            start = text.find(word)
            while start != -1:
                hits.append((word, where, start))
                start = text.find(word, start + 1)
    return hits


def timed(function, runs=RUNS):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def main():
    words, paragraphs = make_inputs()
    build_time, scanner = timed(lambda: WordScanner((word, "") for word in words), runs=5)
    scan_time, hits = timed(lambda: scanner.scan(paragraphs))
    naive_time, naive_hits = timed(lambda: naive_scan(words, paragraphs), runs=5)
    assert sorted((h.word, h.where, h.offset) for h in hits) == sorted(naive_hits), "both scans must agree"

    article = ArticlePage(title="标题", summary="摘要", body=[("paragraph", f"<p>{text}</p>") for _, text in paragraphs])
    full_time, _ = timed(lambda: scanner.scan(article_texts(article.title, article.subtitle, article.summary, article.body)))

    print(f"content_check: article {ARTICLE_CHARS} chars, list {len(words)} words, {len(hits)} hits")
    print(
        f"content_check: automaton scan median {scan_time * 1000:.2f} ms (goal < 20 ms: {'met' if scan_time < 0.020 else 'MISSED'})"
    )
    print(f"content_check: whole check of an ArticlePage (text extraction + scan) median {full_time * 1000:.2f} ms")
    print(f"content_check: automaton scan / naive str.find scan = {scan_time / naive_time:.4f}x")
    print(f"content_check: automaton build (once per list change) / scan = {build_time / scan_time:.1f}x")


if __name__ == "__main__":
    main()
