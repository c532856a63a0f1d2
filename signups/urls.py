from django.urls import path

from . import views

app_name = "signups"

urlpatterns = [
    path("<int:fair_id>/", views.interest_form, name="form"),
    path("<int:fair_id>/sent/", views.result, name="result"),
    path("withdraw/", views.withdraw_page, name="withdraw"),  # the code only ever in a POST body or after "#"
]
