"""Signals other areas listen to; projects never import them.

`project_status_changed(project, source)` is sent after a status change has committed, so
e.g. the questions area can tell the people who asked a question what became of it.
"""

from django.dispatch import Signal

project_status_changed = Signal()
