"""The trainer's authoring workspace: species, lessons, questions, translations, pictures
and course files, each on its own tab of :class:`~idtrainer.gui.authoring.workspace.AuthoringPage`.

Widgets here never write SQL: every change goes through ``idtrainer.core`` (see
docs/architecture.md), and every change is an ordinary synced row change.
"""
