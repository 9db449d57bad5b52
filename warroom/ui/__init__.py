"""Widgets. Importing PySide6 first makes pyqtgraph bind to it even if another Qt binding is installed."""

import PySide6.QtWidgets  # noqa: F401
