from django.urls import path

from . import views

app_name = "media_center"

urlpatterns = [
    path("<int:video_id>/", views.watch, name="watch"),
    path("<int:video_id>/storyboard.vtt", views.storyboard, name="storyboard"),
    path("<int:video_id>/chapters.vtt", views.chapters, name="chapters"),
    path("<int:video_id>/master.m3u8", views.master, name="master"),
    path("<int:video_id>/playlist/<path:path>", views.playlist, name="playlist"),
    path("<int:video_id>/file/<path:path>", views.stored_file, name="file"),
    path("<int:video_id>/mp4/<str:rung>.mp4", views.mp4, name="mp4"),
    path("<int:video_id>/poster.jpg", views.poster, name="poster"),
    path("<int:video_id>/subtitles.vtt", views.subtitles, name="subtitles"),
    path("<int:video_id>/clip/<str:name>", views.clip_file, name="clip_file"),
]
