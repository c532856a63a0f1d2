"""What each role may do with the channels (synced by core.roles after migrate).

Accounts hold the union's credentials and rules post by themselves: administrators only. Video staff
and 终审 send approved clips and retry or cancel; what goes out under the union's name on the Official
Account (an article, a job fair) is sent by 终审 and administrators only. Everyone on staff sees where
an item went.
"""

from core.roles import ADMINISTRATOR, EDITOR, FINAL_REVIEW, FIRST_REVIEW, SECOND_REVIEW, VIDEO, grant

SENDERS = (VIDEO, FINAL_REVIEW, ADMINISTRATOR)


def grant_distribution_permissions():
    grant([ADMINISTRATOR], *(f"distribution.{action}_{model}" for action in ("add", "change", "delete", "view")
                             for model in ("channelaccount", "distributionrule")))  # fmt: skip
    grant(SENDERS, "distribution.add_distribution", "distribution.change_distribution")
    grant([FINAL_REVIEW, ADMINISTRATOR], "distribution.send_page")
    grant([EDITOR, FIRST_REVIEW, SECOND_REVIEW, *SENDERS], "distribution.view_distribution")
