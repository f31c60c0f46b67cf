"""PySide6 widgets. They call idtrainer.core and never write SQL."""
