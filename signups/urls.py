from django.urls import path

from . import views

app_name = "signups"

urlpatterns = [
    path("<int:fair_id>/", views.interest_form, name="form"),
    path("withdraw/", views.withdraw_by_typing, name="withdraw"),
    path("withdraw/<str:code>/", views.withdraw_by_link, name="withdraw_link"),
]
