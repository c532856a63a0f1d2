from django.urls import path

from . import feeds, views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("tags/<str:slug>/", views.tag, name="tag"),
    path("feeds/<slug:column_slug>/rss.xml", feeds.ColumnRssFeed(), name="column_rss"),
    path("feeds/<slug:column_slug>/atom.xml", feeds.ColumnAtomFeed(), name="column_atom"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", views.sitemap_section, name="sitemap_section"),
    path("qr.svg", views.share_qr, name="share_qr"),
]
