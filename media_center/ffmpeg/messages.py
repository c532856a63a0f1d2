"""Marking the texts shown to staff, without Django.

`gettext_noop` is a keyword `makemessages` extracts; it returns the text untranslated. The Django
side translates the text, then fills in its %-values (media_center.pipeline).
"""


def gettext_noop(message):
    return message
