"""The article's admin views: Wagtail's, telling a reviewer what their 通过 or 退回 did."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.permissions import page_permission_policy

from .models import ArticlePage
from .review import review_outcome


def tell_review_outcome(request, task_state):
    outcome = review_outcome(task_state)
    if outcome:
        messages.success(request, outcome)


class ArticleEditView(EditView):
    def perform_workflow_action(self):
        task_state = self.page.current_workflow_task_state
        response = super().perform_workflow_action()
        tell_review_outcome(self.request, task_state)
        return response

    def redirect_away(self):
        # Reviewers hold no page permissions: the page tree Wagtail returns to would turn them away.
        if not self.next_url and page_permission_policy.explorable_root_instance(self.request.user) is None:
            return redirect("wagtailadmin_home")
        return super().redirect_away()


class ArticleWorkflowActionView(WorkflowActionView):
    """通过 and 退回 from the dashboard's menu."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        tell_review_outcome(request, self.task_state)
        return response


class ArticleViewSet(PageViewSet):
    model = ArticlePage
    edit_view_class = ArticleEditView
    workflow_action_view_class = ArticleWorkflowActionView
