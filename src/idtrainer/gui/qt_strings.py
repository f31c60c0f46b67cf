"""Qt's own strings (standard buttons, the file dialog, edit menus) in every UI language.

Qt ships ``qtbase_ru`` and ``qtbase_kk``, with gaps ("Look in:" and "Files of type:" are
English in the Russian file dialog), and nothing for Kyrgyz, Tajik or Uzbek (Latin or
Cyrillic). The Qt strings listed here
are translated in the project's own gettext catalogs, where the tests hold them to the
same completeness rule as every other message; tools/catalogs.py compiles them into
``locales/LANG/LC_MESSAGES/idtrainer_qt.qm``, which gui/app.py installs in front of
Qt's own catalog. The list was taken by recording every ``translate()``
call Qt makes while building the dialogs the app uses (tests/gui/test_qt_strings.py
checks the dialogs against it).
"""

from __future__ import annotations


def QT_(context: str, text: str) -> tuple[str, str]:
    """Marks a Qt source string in its Qt context (tools/catalogs.py extracts it)."""
    return context, text


QT_MESSAGES: frozenset[tuple[str, str]] = frozenset({
    QT_("QPlatformTheme", "OK"),
    QT_("QPlatformTheme", "Cancel"),
    QT_("QPlatformTheme", "&Yes"),
    QT_("QPlatformTheme", "&No"),
    QT_("QPlatformTheme", "Yes to &All"),
    QT_("QPlatformTheme", "N&o to All"),
    QT_("QPlatformTheme", "Save"),
    QT_("QPlatformTheme", "Save All"),
    QT_("QPlatformTheme", "Open"),
    QT_("QPlatformTheme", "Close"),
    QT_("QPlatformTheme", "Apply"),
    QT_("QPlatformTheme", "Reset"),
    QT_("QPlatformTheme", "Help"),
    QT_("QPlatformTheme", "Discard"),
    QT_("QPlatformTheme", "Retry"),
    QT_("QPlatformTheme", "Ignore"),
    QT_("QPlatformTheme", "Abort"),
    QT_("QPlatformTheme", "Restore Defaults"),
    QT_("QProgressDialog", "Cancel"),
    QT_("QMessageBox", "Show Details..."),
    QT_("QMessageBox", "Hide Details..."),
    QT_("QInputDialog", "Enter a value:"),
    QT_("QFileDialog", "&Look in:"),
    QT_("QFileDialog", "File &name:"),
    QT_("QFileDialog", "Files of &type:"),
    QT_("QFileDialog", "Directory:"),
    QT_("QFileDialog", "&Open"),
    QT_("QFileDialog", "&Save"),
    QT_("QFileDialog", "&Choose"),
    QT_("QFileDialog", "Open"),
    QT_("QFileDialog", "Save As"),
    QT_("QFileDialog", "Find Directory"),
    QT_("QFileDialog", "All Files (*)"),
    QT_("QFileDialog", "Directories"),
    QT_("QFileDialog", "Files"),
    QT_("QFileDialog", "Back"),
    QT_("QFileDialog", "Forward"),
    QT_("QFileDialog", "Parent Directory"),
    QT_("QFileDialog", "Create New Folder"),
    QT_("QFileDialog", "Create a New Folder"),
    QT_("QFileDialog", "List View"),
    QT_("QFileDialog", "Detail View"),
    QT_("QFileDialog", "Go back"),
    QT_("QFileDialog", "Go forward"),
    QT_("QFileDialog", "Go to the parent directory"),
    QT_("QFileDialog", "Change to list view mode"),
    QT_("QFileDialog", "Change to detail view mode"),
    QT_("QFileDialog", "List of places and bookmarks"),
    QT_("QFileDialog", "Sidebar"),
    QT_("QFileDialog", "&New Folder"),
    QT_("QFileDialog", "New Folder"),
    QT_("QFileDialog", "&Rename"),
    QT_("QFileDialog", "&Delete"),
    QT_("QFileDialog", "Show &hidden files"),
    QT_("QFileDialog", "Show "),
    QT_("QFileDialog", "Are you sure you want to delete '%1'?"),
    QT_("QFileDialog", "%1 already exists.\nDo you want to replace it?"),
    QT_("QFileSystemModel", "Name"),
    QT_("QFileSystemModel", "Size"),
    QT_("QFileSystemModel", "Type"),
    QT_("QFileSystemModel", "Date Modified"),
    QT_("QFileSystemModel", "Computer"),
    QT_("QAbstractFileIconProvider", "Folder"),
    QT_("QAbstractFileIconProvider", "Drive"),
    QT_("QLineEdit", "&Undo"),
    QT_("QLineEdit", "&Redo"),
    QT_("QLineEdit", "Cu&t"),
    QT_("QLineEdit", "&Copy"),
    QT_("QLineEdit", "&Paste"),
    QT_("QLineEdit", "Delete"),
    QT_("QLineEdit", "Select All"),
    QT_("QWidgetTextControl", "&Undo"),
    QT_("QWidgetTextControl", "&Redo"),
    QT_("QWidgetTextControl", "Cu&t"),
    QT_("QWidgetTextControl", "&Copy"),
    QT_("QWidgetTextControl", "&Paste"),
    QT_("QWidgetTextControl", "Delete"),
    QT_("QWidgetTextControl", "Select All"),
})
