from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [path("hit/<str:kind>/<int:object_id>/", views.hit, name="hit")]
