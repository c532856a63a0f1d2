"""Prints, as JSON, what makes a site that site: its rows per model, its stored files' checksums and every
live page's HTML (hashed). A restored site must print the same as the one backed up.

Run as `python -m tests.ops.site_fingerprint` in the site's environment (the backup round trips, bench/backup.py).
Pages are read first: a rendition one makes is then in the files and rows of the source as of the restored
site. What depends on the moment of reading is left out: CSP nonces, a countdown's text, and S3 URLs'
signatures (reduced to their object's name: another site has buckets of its own).
"""

import hashlib
import json
import re

NONCE = re.compile(rb'nonce="[^"]*"')
COUNTDOWN = re.compile(rb"(data-countdown=\"[^\"]*\">)[^<]*")  # 「距开播还有 3 天」 becomes 「2 天 23 小时」 as we read
SIGNED_S3_URL = re.compile(rb"https?://127\.0\.0\.1:\d+/[^/]+/([^?\"\s]+)\?X-Amz-[^\"\s]*")


def fingerprint():
    from django.core.cache import cache
    from django.test import Client
    from wagtail.models import Page

    from ops import backups

    cache.clear()  # pages cached before a bulk load (bench/backup.py) would hide it; the cache is not the site
    client, pages = Client(), {}
    for page in Page.objects.live().public().filter(depth__gt=1).specific().iterator():
        response = client.get(page.url, HTTP_HOST="localhost", secure=True)
        html = COUNTDOWN.sub(rb"\1", SIGNED_S3_URL.sub(rb"s3:\1", NONCE.sub(b"", response.content)))
        pages[page.url] = [response.status_code, hashlib.sha256(html).hexdigest()]
    files = {}
    for name, store in backups.site_stores().items():
        if not isinstance(store, str):
            files[name] = {entry.name: checksum(store, entry.name) for entry in store.walk()}
    counts = backups.row_counts()
    counts.pop("ops.BackupRun")  # the backups' own record: the backup holds the run that made it, still running
    return {"counts": counts, "files": files, "pages": pages}


def checksum(store, name):
    digest = hashlib.sha256()
    with store.open(name) as stream:
        while chunk := stream.read(2**20):
            digest.update(chunk)
    return digest.hexdigest()


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(fingerprint()))
