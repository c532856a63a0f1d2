"""What each role needs on the employers and the recruitment word lists (synced by core.roles after migrate).

Fairs themselves are pages: the column editors' page permissions and 三审, assigned on the home
page (columns.roles), cover them as they cover articles.
"""

from core.roles import ADMINISTRATOR, EDITOR, FINAL_REVIEW, FIRST_REVIEW, SECOND_REVIEW, VIDEO, grant

REVIEWERS = (FIRST_REVIEW, SECOND_REVIEW, FINAL_REVIEW)
WORD_LISTS = ("recruitmentbannedword", "recruitmentallowedphrase")


def grant_job_fair_permissions():
    # Editors enter the employers of the positions they write; reviewers look them up and correct them.
    grant([EDITOR, *REVIEWERS, ADMINISTRATOR], "jobfairs.add_employer", "jobfairs.change_employer")
    grant([ADMINISTRATOR], "jobfairs.delete_employer")
    # The word lists are kept by the administrators, like 敏感词 and 易错词.
    grant([ADMINISTRATOR], *(f"jobfairs.{action}_{model}" for action in ("add", "change", "delete") for model in WORD_LISTS))
    # Video staff mark where the replay presents each position (no page permission, no new review).
    grant([VIDEO, ADMINISTRATOR], *(f"jobfairs.{action}_positionmoment" for action in ("add", "change", "delete")))
    # Whoever stands beside the host during the live presses 「正在讲解」: video staff or an editor.
    grant([VIDEO, EDITOR, ADMINISTRATOR], "jobfairs.add_shelfpress", "jobfairs.delete_shelfpress")
