"""Small Qt helpers."""

from __future__ import annotations

import contextlib
import html
import math
import re
import signal
import socket
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from functools import partial
from types import FrameType
from typing import Any, Protocol

from PySide6.QtCore import QByteArray, QDate, QEvent, QObject, QSize, QSocketNotifier, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QResizeEvent,
    QShowEvent,
    QTextLayout,
    QTextOption,
    QValidator,
)
from PySide6.QtGui import Qt as _GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QStatusBar,
    QTableWidget,
    QTextEdit,
    QWidget,
)

from warroom.core.validation import EXPONENT, exponent_words
from warroom.ui.glyphs import drawable


class WorkRun(Protocol):
    """Work on a worker thread as services.worker_threads.WorkerRun has it: how far (`done` of `total`), cancel(),
    and its outcome as a Future."""

    done: int
    total: int
    result: Future[Any]

    def cancel(self) -> None: ...


def follow_run(progress: QProgressDialog, run: WorkRun) -> bool:
    """One tick of a progress dialog following `run` (work_progress's `follow`): its Cancel passed on, its bar moved;
    True once the run has its outcome."""
    if progress.wasCanceled():
        run.cancel()
    progress.setMaximum(max(1, run.total))
    progress.setValue(min(run.done, run.total))
    return run.result.done()


def work_progress(
    text: str, title: str, name: str, parent: QWidget, follow: Callable[[], None], maximum: int = 1
) -> QProgressDialog:
    """A window-modal progress dialog for work on a worker thread: shown only past 0.4 s (a small job is done
    before it would show), kept open until the work lands (no auto close or reset), its bar set by `follow` on
    a 50 ms timer of its own: a modal dialog's setValue processes events, so a value set on each of the worker's
    signals ran inside the last one's, dozens deep (Forecast over time, the instant-runoff panel's ballots)."""
    dialog = QProgressDialog(text, "Cancel", 0, maximum, parent)
    label = QLabel()  # its text as typed: the dialog's own label read a race's or file's name as HTML when it looked so
    label.setTextFormat(_GuiQt.TextFormat.PlainText)
    dialog.setLabel(label)
    dialog.setLabelText(drawable(text))
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    timer = QTimer(dialog)
    timer.setInterval(50)
    timer.timeout.connect(follow)
    timer.start()
    return dialog


def as_html(text: str) -> str:
    """`text` (a name, a note, a headline holding names) as HTML that shows exactly `text`: for data put into
    rich text (labels that bold a figure, chart titles and keys). Qt read `Bob&lt;B` as "Bob<B", dropped the
    tags of `A<i>n</i>n` and let a name ending in `<!--` hide every word after it. A symbol no installed font
    can draw is written as its name in brackets (ui.glyphs), never an empty box."""
    return html.escape(drawable(text), quote=False).replace("\n", "<br>")


def literal_tip(text: str) -> str:
    """A tooltip that shows `text` as typed. Qt reads a tooltip as HTML whenever it looks like some (a tag or
    `&lt;` before its first line break), so a tooltip naming a candidate called `<b>Bob</b>` showed him bold;
    such a text is escaped and marked as rich text, any other is left as it is. The escaped one keeps exactly the
    plain one's lines (`white-space:pre`: its line breaks, and no others; Qt word-wrapped rich tooltips at a third
    of their width, five lines becoming eight). A symbol no installed font can draw is written as its name in
    brackets (ui.glyphs)."""
    text = drawable(text)
    if not text or not _GuiQt.mightBeRichText(text):
        return text
    return "<p style='white-space:pre'>" + html.escape(text, quote=False) + "</p>"


def offer(action: QAction, allowed: bool, tip: str, why_not: str) -> None:
    """Turn `action` on, its tooltip and status tip `tip`, or off with `why_not` there: what the open race allows,
    and why not (a two-round race's plain-poll actions)."""
    shown = tip if allowed else why_not
    action.setEnabled(allowed)
    action.setToolTip(shown)
    action.setStatusTip(shown)


def menu_text(text: str) -> str:
    """Data (a saved scenario's or a contest's name) for a menu item's or a button's text: shown as typed, an `&`
    kept (Qt reads `&` as the next letter's keyboard shortcut: "Plan A&B" showed "Plan AB" with the B
    underlined), and every symbol no installed font can draw named (ui.glyphs)."""
    return drawable(text).replace("&", "&&")


def ask_plain(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
) -> QMessageBox.StandardButton:
    """QMessageBox.question/warning/critical with the text shown as typed: the static functions read a message
    that looks like HTML as HTML, and messages quote names (a contest called `<b>Ward</b> &amp; co`)."""
    box = QMessageBox(icon, title_text(title), drawable(text), buttons, parent)
    box.setAccessibleDescription(drawable(title))  # (the whole title, a long name unelided)
    box.setTextFormat(_GuiQt.TextFormat.PlainText)
    return QMessageBox.StandardButton(box.exec())


class DataLabel(QLabel):
    """A label for text holding data (names, notes, verdicts): shown as typed, never read as HTML (QLabel's
    default reads text that looks like HTML as HTML), with every symbol no installed font can draw written as
    its name in brackets (ui.glyphs: an emoji in a name was an empty box). text() answers what is drawn,
    full_text() what was set.

    fit(max_lines) makes it fit its width (and its lines, when given) instead of being cropped: a word wider
    than the label (a candidate's 86-letter short name) is elided in its middle, a text longer than its lines
    ends in "…", and the whole text is then its tooltip."""

    # Read by the event handlers before __init__ sets them, or after a garbage-collector cycle cleared the label's
    # attributes while Qt still sent it events (a clean-clone CI run: "'DataLabel' object has no attribute
    # '_fitting'" in changeEvent, then a worker's segmentation fault): the class's own then answer.
    _full = ""
    _fitting = False
    _max_lines: int | None = None
    _tip_is_ours = False

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(_GuiQt.TextFormat.PlainText)
        self._full = ""
        self._fitting = False
        self._max_lines: int | None = None
        self._tip_is_ours = False
        self.setText(text)

    def fit(self, max_lines: int | None = None) -> None:
        """Fit the text to the label's width and to `max_lines` lines (None: as many as it takes)."""
        self._fitting, self._max_lines = True, max_lines
        self._refit()

    def minimumSizeHint(self) -> QSize:
        """Fitted, no wider than a dozen characters (as RichDataLabel): a long word shown whole before the label
        was first laid out set the width of the window it is in (meeting mode's verdict made the window 2,912 px
        wide with an 86-letter name), and then fitted at that width it was never elided."""
        hint = super().minimumSizeHint()
        if not self._fitting:
            return hint
        return QSize(min(hint.width(), 12 * self.fontMetrics().averageCharWidth()), hint.height())

    def full_text(self) -> str:
        return self._full

    def setBuddy(self, buddy: QWidget) -> None:  # type: ignore[override]
        super().setBuddy(buddy)
        self.setText(self._full)  # (drawn again with its "&" kept: _drawn)

    def _drawn(self, text: str) -> str:
        """`text` as QLabel is given it: beside a buddy, Qt reads "&" as a keyboard shortcut's mark (dropped, the next
        letter underlined: "Red&Co" drawn "RedCo", Alt+C moving to the field), so data's "&" is written "&&"."""
        return text.replace("&", "&&") if self.buddy() is not None else text

    def setText(self, text: str) -> None:  # type: ignore[override]
        self._full = drawable(text)
        if self._fitting:
            self._refit()
        else:
            super().setText(self._drawn(self._full))
        if self.accessibleName() and self.accessibleDescription() != self._full:
            # A label's accessible name replaces its text for a screen reader ("Verdict", never who wins): the
            # whole text is its description.
            self.setAccessibleDescription(self._full)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitting:
            self._refit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self._fitting and event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._refit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fitting:
            self._refit()

    def _refit(self) -> None:
        width = self.contentsRect().width() - 2 * max(self.margin(), 0) - max(self.indent(), 0)
        shown = self._full
        for narrower in (0, 6, 12, 24, 48) if width > 0 and self.isVisible() else ():  # (hidden: kept whole)
            # QLabel wraps in its own text document, which can break a line a few pixels before this measure:
            # its own height for the text is the check.
            shown = fitted_text(self._full, self.font(), width - narrower, self._max_lines)
            if self._drawn(shown) != super().text():
                super().setText(self._drawn(shown))
            if self._max_lines is None or self.heightForWidth(self.width()) <= self.height():
                break
        if self._drawn(shown) != super().text():
            super().setText(self._drawn(shown))
        if self._tip_is_ours or not self.toolTip():
            tip = literal_tip(self._full) if shown != self._full else ""
            self.setToolTip(tip)
            self._tip_is_ours = bool(tip)


class RichDataLabel(QLabel):
    """A rich-text label (a figure in bold) around data (names, labels): the data escaped (as_html) and made to fit
    instead of cropped, as DataLabel does for plain text. Its text is given as a function of an escaping function,
    `set_rich(lambda h: f"Chance {h(name)} wins: <b>{p}</b>")`, so the label can escape its data again, fitted to its
    width, whenever that changes: a word of the data wider than the label (a candidate's 86-letter short name) is
    elided in its middle, and narrower still when the label has a fixed number of lines (fit(max_lines)) the text
    must keep to. The whole text is then the tooltip and, always, the accessible description."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(_GuiQt.TextFormat.RichText)  # its data escaped (as_html)
        self.setWordWrap(True)
        self._build: Callable[[Callable[[str], str]], str] | None = None
        self._full = ""
        self._max_lines: int | None = None
        self._tip_is_ours = False
        # what was last given to Qt, kept here (asking Qt back, and setting it again, was most of a slider move's cost)
        self._shown = ""
        self._tip = ""
        self._described = ""
        self._measure: tuple[QFont, float] | None = None  # the bold font and its widest letter (font changes reset it)
        self._fitted: tuple[int, int, str] | None = None  # the last text found within its lines (_within_lines)

    def set_rich(self, build: Callable[[Callable[[str], str]], str]) -> None:
        """Show `build(h)`, where `h` escapes a piece of data (and elides its words too wide for the label)."""
        self._build = build
        self._full = build(as_html)
        self._refit()

    def fit(self, max_lines: int | None = None) -> None:
        """Keep to `max_lines` lines (None: as many as it takes)."""
        self._max_lines = max_lines
        self._refit()

    def full_text(self) -> str:
        """The whole text, as plain text (what the tooltip and the accessible description say): the markup of the
        label's own text (its <b> and <br>) taken out and the data unescaped (as_html escaped every < in it), a
        regular expression where a document parse cost a slider move 0.2 ms."""
        return html.unescape(_TAGS.sub("", self._full.replace("<br>", "\n")))

    def minimumSizeHint(self) -> QSize:
        """No wider than a dozen characters: a long word shown whole must not set the width of the panel it is in
        (its width is what the word is then elided to; QLabel asked for the whole word and kept it)."""
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 12 * self.fontMetrics().averageCharWidth()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._measure = None
            self._fitted = None
            self._refit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refit()

    def _show(self, text: str) -> None:
        if text != self._shown:
            self._shown = text
            super().setText(text)

    def _within_lines(self, shown: str) -> bool:
        """Whether `shown` (on the label now) keeps to its lines. Asking Qt to lay the text out tripled a slider
        move's repaint, so a text that fitted is remembered with its digits as zeros: a slider move changes
        figures (drawn alike wide in the fonts used), not the words, and a text of the same shape fits alike."""
        if self._max_lines is None:
            return True
        key = (self.width(), self.height(), _DIGITS.sub("0", shown))
        if key == self._fitted:
            return True
        if self.heightForWidth(self.width()) <= self.height():
            self._fitted = key
            return True
        return False

    def _end_in_ellipsis(self, width: int, source: str) -> None:
        """The text cut to the label's lines at a word, ending in "…", its markup kept (the figure in bold stays
        bold: "Chance Livingstone wins: <b>19 %</b> (assumes a polling error of sd 7.0 points on the…"); the whole
        of it is the tooltip. A first word too wide for the lines: the plain text, fitted letter by letter."""
        units = [u for u in _MARKUP.split(source) if u]  # tags, and the words of the text between them
        words = [i for i, u in enumerate(units) if not u.startswith("<") and u.strip()]

        def cut(n: int) -> str:  # the first n words, every tag kept (a tag past the cut closes what it opened)
            end = words[n - 1] + 1 if n > 0 else 0  # the "…" goes after the last word kept
            return "".join(units[:end]).rstrip() + "…" + "".join(u for u in units[end:] if u.startswith("<"))

        low, high = 0, len(words) - 1  # the most words that fit (the whole text did not)
        while low < high:
            mid = (low + high + 1) // 2
            self._show(cut(mid))
            if self.heightForWidth(self.width()) <= self.height():
                low = mid
            else:
                high = mid - 1
        if low > 0:
            self._show(cut(low))
            return
        for narrower in (0, 6, 12, 24, 48):  # (QLabel may break a line a few pixels before this measure)
            self._show(as_html(fitted_text(self.full_text(), self.font(), width - narrower, self._max_lines)))
            if self.heightForWidth(self.width()) <= self.height():
                break

    def full_rich(self) -> str:
        """The whole rich text (its data escaped), however the label has fitted it to its width."""
        return self._full

    def _refit(self) -> None:
        build = self._build
        if build is None:
            return
        width = self.contentsRect().width() - 2 * max(self.margin(), 0) - max(self.indent(), 0)
        shown = self._full
        if width > 0 and self.isVisible():  # (hidden: kept whole)
            if self._measure is None:
                bold = QFont(self.font())
                bold.setBold(True)  # (a name may be shown bold: measured so)
                self._measure = (bold, QFontMetricsF(bold).maxWidth())
            bold, widest = self._measure  # (no word of fewer letters than room / widest can be too wide)
            whole_line = ""  # the text with its too-wide names elided to the whole line (the first try)
            for share in (1.0, 0.5, 0.3, 0.2):
                room = max(int(width * share), 24)
                shown = build(partial(_fitted_html, font=bold, width=room, short=int(room / max(widest, 1.0))))
                whole_line = whole_line or shown
                self._show(shown)
                if self._within_lines(shown):
                    break  # within its lines (or no limit): nothing too wide is shown as ever
                if shown == self._full:
                    # No word too wide, and still past its lines (a narrow dock: the win chance's fourth line
                    # was cut through the middle of its letters): eliding names would not help; end in "…".
                    self._end_in_ellipsis(width, shown)
                    shown = self._shown
                    break
            else:  # a name elided to a fifth of the line and still past the lines: cut at a word and ended in "…",
                # from its names as elided to the whole line (most of each name kept: "Blaubären…hausen")
                self._end_in_ellipsis(width, whole_line)
                shown = self._shown
        self._show(shown)
        plain = self.full_text()
        if plain != self._described:
            self._described = plain
            self.setAccessibleDescription(plain)
        tip = literal_tip(plain) if shown != self._full else ""
        if tip != self._tip and (self._tip_is_ours or not self.toolTip()):  # (a tooltip set from outside is kept)
            self._tip = tip
            self.setToolTip(tip)
            self._tip_is_ours = bool(tip)


NAME_IN_TITLE = 28
"""Characters a name keeps inside a title that cannot refit (a window's, a group box's, a column header's): 86-letter
names ran past the dock's edge; 28 keeps any real name whole ("Alexandria Ocasio-Cortez" is 24)."""


def _fitted_html(text: str, *, font: QFont, width: int, short: int) -> str:
    """as_html(text), each word wider than `width` elided; a text with no word longer than `short` letters is not
    measured (the slider's hot path: a label's data is names of a dozen letters)."""
    text = drawable(text)
    if all(len(word) <= short for word in text.split()):
        return as_html(text)
    return as_html(fitted_text(text, font, width))


def elide_middle(text: str, limit: int = NAME_IN_TITLE) -> str:
    """`text` as drawn (ui.glyphs: a symbol no installed font has named in brackets) in at most `limit` characters,
    its middle elided ("Wolfeschlegel…wessenschafe"): for a name inside a title no label can refit (a window's, a
    group box's, a table column's header). Text that fits is kept. Elided after it is named, not before: a short
    name of three Chinese characters on a machine with no CJK font was kept whole, then drawn as 84 letters
    ("[cjk unified ideograph-738b]..."), a poll table column as wide as the window and a group box's title cut."""
    text = drawable(text)
    if len(text) <= limit or limit < 3:
        return text
    keep = limit - 1
    return text[: (keep + 1) // 2] + "…" + text[len(text) - keep // 2 :]


_SPACES = re.compile(r"(\s+)")
_TAGS = re.compile(r"<[^>]*>")
_DIGITS = re.compile(r"[0-9]")
_MARKUP = re.compile(r"(<[^>]*>|\s+)")  # a rich text's tags and the spaces between its words, kept by split


def title_text(text: str, limit: int = NAME_IN_TITLE) -> str:
    """A window's or a message box's title holding data: each word longer than `limit` characters (an 86-letter
    name) elided in its middle, so the title bar (which elides at its end) still shows what the window is about
    ("Delete Wolfeschlege…schafe Mayor 2024", not "Delete Wolfeschlegelsteinhausenbergerdorffwelchevora…"); every
    symbol no installed font can draw named (ui.glyphs). A "[*]" in the data is written "[*][*]", Qt's literal: Qt
    reads "[*]" in a title as the place of its unsaved-changes mark and drops it ("Budget [*] 2024" titled "Budget
    2024"). For a title given to setWindowTitle once (not for text read back from a title)."""
    parts = _SPACES.split(drawable(text))
    fitted = "".join(part if i % 2 else elide_middle(part, limit) for i, part in enumerate(parts))
    return fitted.replace("[*]", "[*][*]")


def fitted_text(text: str, font: QFont, width: int, max_lines: int | None = None) -> str:
    """`text` as it fits `width` pixels in `font`, wrapped at words: each word wider than a line elided in its
    middle ("Wolfeschlegel…wessenschafe": its start and end kept), and when it takes more than `max_lines`
    lines, its last line ending in "…". Text that fits comes back as it is."""
    metrics = QFontMetricsF(font)
    room = max(width - 2, 1)  # (a pixel each side: QLabel's wrap and this measure may round apart)
    parts = _SPACES.split(text)
    for i in range(0, len(parts), 2):
        if parts[i] and metrics.horizontalAdvance(parts[i]) > room:
            elided = metrics.elidedText(parts[i], _GuiQt.TextElideMode.ElideMiddle, room - 2)
            parts[i] = elided.replace("…", "\u2060…\u2060")  # word joiners: one word still, never split at "…"
    fitted = "".join(parts)
    if max_lines is None:
        return fitted
    layout = QTextLayout(fitted, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    starts: list[int] = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(room)
        starts.append(line.textStart())
    layout.endLayout()
    if len(starts) <= max(max_lines, 1):
        return fitted
    start = starts[max(max_lines, 1) - 1]
    last = fitted[start:].replace("\n", " ")
    tail = metrics.elidedText(last, _GuiQt.TextElideMode.ElideRight, room)
    if not tail.endswith("…"):
        tail = metrics.elidedText(last + " …", _GuiQt.TextElideMode.ElideRight, room)
    return fitted[:start] + tail


class DataStatusBar(QStatusBar):
    """A status bar whose messages (which quote names and files: "Saved …/🦄 slides.svg") follow DataLabel's rule:
    every symbol no installed font can draw is written as its name in brackets (ui.glyphs), never an empty box."""

    def showMessage(self, text: str, timeout: int = 0) -> None:  # type: ignore[override]
        super().showMessage(drawable(text), timeout)


def plain_label(text: str = "") -> DataLabel:
    """A label that shows its text as typed (DataLabel)."""
    return DataLabel(text)


@contextmanager
def signals_blocked(obj: QObject) -> Iterator[None]:
    previous = obj.blockSignals(True)
    try:
        yield
    finally:
        obj.blockSignals(previous)


class DecimalSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox that reads a decimal typed with either separator, whatever the locale.

    Qt's own box takes only the locale's decimal point: in an English locale '12,5' was read as 12 (the comma
    refused as typed, then '125' refused as past 100), in a French or German one '12.5' the same way, and the
    field showed a figure the user did not mean. A comma or a point is the decimal separator here when the
    text has no other, also where the locale's own sign is neither (Arabic and Persian: U+066B); the
    typographic minus (U+2212), which Qt refused key by key (a signed "−5" set +5), is a minus. NaN, infinity
    and values out of range are still refused, as Qt refuses them, except in a box that stops at its ends
    (`stops_at_ends`).

    Attributes:
        stops_at_ends: a finite value typed past an end is set to that end when the typing is done (a lever's
            field: "101" sets 100 %, as the slider stops there); Qt refused the key that passed the end, so
            "101" set 10 %.
        typed_problem: a key typed and not taken, in words ("" when the figure shown is the one typed). Qt's box
            refused every letter without a word and kept the rest: "1e2" was 12, "12a5" 125. A number written
            with an exponent ("1e2", "4.5E1") is shown as typed and not taken, in the words every reader uses
            (core.validation.exponent_words: the poll CSV refused it, the form read it as 100); any other key the
            box cannot take is named here until the figure is typed again (from an empty field or over all of it)
            or set by the arrows or the program, for a form to refuse naming the field (`typed_problems`).

    Signals:
        typed_problem_changed: `typed_problem` changed.
    """

    typed_problem_changed = Signal()
    stops_at_ends = False
    _problem = ""
    _shown = ""
    _anew = False  # the key on its way replaces the whole figure (or the field is empty)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lineEdit().installEventFilter(self)  # keys sent to the line itself (an input method)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.lineEdit() and event.type() in (QEvent.Type.KeyPress, QEvent.Type.InputMethod):
            self._note_key()
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._note_key()  # (the box hands its keys to its line directly, past the line's event filter)
        super().keyPressEvent(event)

    def _note_key(self) -> None:
        line = self.lineEdit()
        body = self._body(line.text())
        self._anew = not body or (line.hasSelectedText() and body in line.selectedText())

    @property
    def typed_problem(self) -> str:
        return self._problem

    def _set_problem(self, problem: str) -> None:
        if problem != self._problem:
            self._problem = problem
            self.typed_problem_changed.emit()

    def _exponent(self, text: str) -> str:
        """The figure typed when it is written with an exponent ("1e2", "4.5E1", or "1e" still being typed), else
        "". Never read as a number: the one rule, every reader's (core.validation.exponent_words), is digits."""
        body = self._body(text.replace("\u2212", "-"))
        return body if EXPONENT.fullmatch(body) else ""

    def _as_typed(self, text: str) -> str:
        text = text.replace("\u2212", "-")
        if self.decimals() == 0:  # a whole number's box: a comma or point in it groups thousands ("1,000")
            return text
        point = self.locale().decimalPoint()
        others = [sign for sign in (".", ",") if sign != point and sign in text]
        if len(others) == 1 and text.count(others[0]) == 1 and point not in text:
            return text.replace(others[0], point)
        return text

    def _body(self, text: str) -> str:
        """The figure typed, without the box's prefix and suffix (" %")."""
        return text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()

    def _end_passed(self, text: str) -> float | None:
        """The end a finite number typed past it names (None: within the range, or not a number)."""
        if not self.stops_at_ends:
            return None
        if self._exponent(text):
            return None  # (QLocale reads "1e3" as 1000: a lever stopped at its end for a figure it refuses)
        value, ok = self.locale().toDouble(self._body(text))
        if not ok or not math.isfinite(value):
            return None
        if value > self.maximum():
            return self.maximum()
        return self.minimum() if value < self.minimum() else None

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        answer = self._validate(text, pos)
        self._note_typing(answer[1], answer[0])
        return answer

    def _validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if self._exponent(text):  # shown as typed, never taken (Qt's own box reads "5e1" as 50): named at its end
            return QValidator.State.Intermediate, text, pos
        typed = self._as_typed(text)
        state, shown, at = super().validate(typed, pos)
        if state == QValidator.State.Invalid and self._end_passed(typed) is not None:
            return QValidator.State.Intermediate, typed, pos
        if state == QValidator.State.Invalid:
            return state, text, pos
        return state, shown, at

    def fixup(self, text: str) -> str:
        if written := self._exponent(text):  # "1e2" then Enter: Qt shows the value before, the form names it
            self._set_problem(exponent_words(written))
        end = self._end_passed(self._as_typed(text))
        if end is not None:
            return f"{self.prefix()}{self.textFromValue(end)}{self.suffix()}"
        return super().fixup(text)

    def valueFromText(self, text: str) -> float:
        return super().valueFromText(self._as_typed(text)) + 0.0  # (+ 0.0: "-0" is no change, never -0.0)

    def setValue(self, value: float) -> None:  # type: ignore[override]
        if value == self.value() and self.hasFocus() and self.lineEdit().isModified():
            # The figure being typed is kept: a redraw that sets the value the box already has (a teammate's poll
            # landing re-showed the scenario) put the box's text back, and the typing was lost (Enter applied 0).
            return
        super().setValue(value)
        self._set_problem("")  # set by the program (Qt's own calls, as the typing ends, do not come here)

    def stepBy(self, steps: int) -> None:
        super().stepBy(steps)
        self._set_problem("")  # an arrow or the wheel set the figure shown

    def _note_typing(self, text: str, state: QValidator.State) -> None:
        """Name what a refused key (or paste) would have put in; forget it when the figure is typed again.

        Qt's line edit has already put the candidate `text` in when it asks, and takes it back when refused, so the
        text shown before is kept here (`_shown`)."""
        shown = self._shown
        if text == shown and not (self._anew and state != QValidator.State.Invalid):
            return
        start = 0
        while start < min(len(text), len(shown)) and text[start] == shown[start]:
            start += 1
        end = 0
        while end < min(len(text), len(shown)) - start and text[-1 - end] == shown[-1 - end]:
            end += 1
        if state != QValidator.State.Invalid:
            if self._anew or not self._body(text):
                self._set_problem("")  # typed again from an empty field or over all of it
            self._shown = text
            return
        put = text[start : len(text) - end]
        refused = "".join(ch for ch in put if ch.isprintable() and not ch.isspace())
        if refused and refused not in self.prefix() + self.suffix() and not self._problem:  # (the first is named)
            self._set_problem(f"{refused!r} typed was not taken: check the figure shown and type it again")


def typed_problems(boxes: Iterable[tuple[QAbstractSpinBox, str]]) -> list[str]:
    """ "FIELD: what was typed and not taken" for each box that holds such a problem (`DecimalSpinBox`,
    `FormDateEdit`), in the order given: a form refuses to save until each is typed again."""
    out = []
    for box, field in boxes:
        problem = getattr(box, "typed_problem", "")
        if problem and box.isEnabled():
            out.append(f"{field}: {problem}")
    return out


FORM_TYPING_LIMIT = 999_999_999_999_999
"""How far past its own limits a form's number field holds what is typed (`FormNumberBox`): exact in a float, and
a longer number, whose extra digits the box refuses, still shows a figure past every field's limit, so the form's
check refuses it too, never a shorter number stored as if typed."""


class FormNumberBox(DecimalSpinBox):
    """A form's number field that holds what is typed, past the field's limits too, for the form's check to refuse
    naming the field: Qt refused the key that passed an end and kept the rest, so "101" typed as a share was 10,
    a sample of 2,147,483,648 was 214,748,364, "-1" was 1 (the minus refused) and "1e400" 14, each saved as typed.

    Attributes:
        zero_text: shown for 0 and read back as 0 (Qt's special value text shows only at the minimum, which would
            keep a minus from being typed).
    """

    zero_text = ""

    def __init__(self, zero_text: str = "", decimals: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zero_text = zero_text
        self.setDecimals(decimals)
        self.setRange(-FORM_TYPING_LIMIT, FORM_TYPING_LIMIT)

    def textFromValue(self, value: float) -> str:
        if self.zero_text and value == 0:
            return self.zero_text
        return super().textFromValue(value)

    def _validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        body = self._body(text)
        if self.zero_text and body and self.zero_text.casefold().startswith(body.casefold()):
            whole = body.casefold() == self.zero_text.casefold()
            return (QValidator.State.Acceptable if whole else QValidator.State.Intermediate), text, pos
        return super()._validate(text, pos)

    def valueFromText(self, text: str) -> float:
        if self.zero_text and self._body(text).casefold() == self.zero_text.casefold():
            return 0.0
        return super().valueFromText(text)


class FormDateEdit(QDateEdit):
    """A form's date field (yyyy-MM-dd, with its calendar) that takes a date typed key by key as written, or says
    it did not.

    Qt's date box moved on to the month by itself after four digits of year, and the "-" typed next moved on
    again, to the day: "2023-02-28" typed became 2023-06-02. A "-" typed just after the box moved on is
    passed over here. A digit the box refused or changed (the 1 of "2024-02-31", which showed 2024-02-03; the 1
    of "2024-04-31", which showed 2024-04-30) leaves `typed_problem` naming what was typed, for the form to
    refuse until the date is typed again.

    Attributes:
        typed_problem: what was typed and not taken ("" when the date shown is the one typed).

    Signals:
        typed_problem_changed: `typed_problem` changed (a refused key changes no date).
    """

    typed_problem_changed = Signal()

    def __init__(self, day: QDate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if day is not None:
            self.setDate(day)
        self._problem = ""
        self._keying = False
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.dateChanged.connect(self._on_date_changed)

    @property
    def typed_problem(self) -> str:
        return self._problem

    def _set_problem(self, problem: str) -> None:
        if problem != self._problem:
            self._problem = problem
            self.typed_problem_changed.emit()

    def setDate(self, date: QDate) -> None:  # type: ignore[override]
        if date == self.date() and self.hasFocus():
            # A date being typed is kept: a redraw that sets the date the box already has (a teammate's poll
            # landing showed the scenario again) put the text back mid-typing, and the next digit was refused.
            return
        super().setDate(date)

    def stepBy(self, steps: int) -> None:
        super().stepBy(steps)
        self._set_problem("")  # an arrow or the wheel set the date shown

    def keyPressEvent(self, event: QKeyEvent) -> None:
        line = self.lineEdit()
        typed, at = event.text(), line.cursorPosition()
        before = line.text()
        whole = line.hasSelectedText() and line.selectionStart() == 0
        start = line.selectionStart() if line.hasSelectedText() else at
        if typed in ("-", "/", ".") and 0 < start <= len(before) and before[start - 1] == "-":
            event.accept()  # the box has just moved on past this separator itself: typed, it would skip a section
            return
        digit = len(typed) == 1 and typed in "0123456789"
        if digit and (at == 0 or whole):
            self._set_problem("")  # a date typed again from its start
        section = self.currentSection()
        was = self.sectionText(section)
        self._keying = True
        try:
            super().keyPressEvent(event)
        finally:
            self._keying = False
        now = self.sectionText(section)
        if digit and not now.endswith(typed):  # refused ("31" in February) or changed ("31" in April to 30)
            self._set_problem(f"the {typed} typed was not taken: check the date shown and type it again")
        elif typed in ("-", "/", ".") or event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._check_kept(was, section)  # "24" then "-": not a year, put back to the one shown before

    def focusOutEvent(self, event: QFocusEvent) -> None:
        section = self.currentSection()
        was = self.sectionText(section)
        self._keying = True
        try:
            super().focusOutEvent(event)  # "24" then Tab: put back to the year shown before
        finally:
            self._keying = False
        self._check_kept(was, section)

    def _check_kept(self, was: str, section: QDateEdit.Section) -> None:
        now = self.sectionText(section)
        if was.isdigit() and now.lstrip("0") != was.lstrip("0"):
            self._set_problem(f"{was!r} was not taken: check the date shown and type it again")

    def _on_date_changed(self, _day: QDate) -> None:
        if not self._keying:
            self._set_problem("")  # set by the calendar or the program


class SignalGuard(QObject):
    """What close_windows_on_signals installed; restore() puts the previous handlers back."""

    def __init__(self) -> None:
        super().__init__(QApplication.instance())
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous: dict[int, Any] = {}
        self._pending = False  # a signal came before any window was shown: close the first one shown
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        for sig in _closing_signals():
            self._previous[sig] = signal.signal(sig, self._on_signal)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_woken)

    @property
    def closes_next_window(self) -> bool:
        """A signal came while no window was shown: the next window shown is closed."""
        return self._pending

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        if self._pending and (app := QApplication.instance()) is not None:
            app.removeEventFilter(self)
        for end in (self._reader, self._writer):
            end.close()

    def _on_signal(self, _sig: int, _frame: FrameType | None) -> None:
        """Python's part: nothing (no KeyboardInterrupt in whatever slot runs next). The signal's byte on the
        wake-up socket wakes Qt's event loop, which runs _on_woken."""

    def _on_woken(self) -> None:
        with contextlib.suppress(OSError):
            while self._reader.recv(64):
                pass
        QTimer.singleShot(0, self, self._close_all)

    def _close_all(self) -> None:
        shown = [widget for widget in QApplication.topLevelWidgets() if widget.isVisible()]
        for widget in shown:
            widget.close()  # as the user closing it: its closeEvent runs (settings, geometry, imports)
        app = QApplication.instance()
        if any(_is_window(widget) for widget in shown):
            if self._pending and app is not None:
                self._pending = False
                app.removeEventFilter(self)
        elif not self._pending and app is not None:
            # The signal came while the app was starting, before any window was shown: it was lost, and the window
            # opened anyway to run until closed. The first window shown is closed instead.
            self._pending = True
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._pending and event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and _is_window(watched):
            QTimer.singleShot(0, self, self._close_all)
        return False


def _closing_signals() -> list[signal.Signals]:
    """Ctrl-C, SIGTERM, and SIGHUP (the terminal that started the window closed, an ssh session dropped: it ended
    the process at once, a change still on its way to the store lost) unless it is ignored (`nohup`)."""
    found = [signal.SIGINT, signal.SIGTERM]
    hangup = getattr(signal, "SIGHUP", None)
    if hangup is not None and signal.getsignal(hangup) is not signal.SIG_IGN:
        found.append(hangup)
    return found


def _is_window(widget: QWidget) -> bool:
    """A window or dialog, not a tooltip or a popup menu."""
    return widget.isWindow() and widget.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)


def close_windows_on_signals() -> SignalGuard:
    """Make Ctrl-C (SIGINT), SIGTERM and SIGHUP close every window as the user closing it would.

    Python handles a signal only when it next runs bytecode, and Qt's event loop is C++: Ctrl-C in the terminal
    that started the window printed a KeyboardInterrupt traceback from whatever slot ran next and left the
    window open, and SIGTERM (a logout, `kill`) ended the process without the window's close. Here the signal
    writes a byte to a socket Qt watches (signal.set_wakeup_fd), and the event loop closes the windows. Call it
    on the GUI thread once the QApplication exists.
    """
    return SignalGuard()


DEFAULT_WINDOW_SIZE = QSize(1400, 900)
"""The window's size at a first start, or when its saved place cannot be restored, on a screen it fits."""
FRAME_ALLOWANCE = QSize(16, 48)
"""Room for a title bar and borders, which the window manager adds outside the size set (not known before the
window is first shown)."""


def restore_window_geometry(window: QWidget, geometry: QByteArray | None) -> None:
    """The window where it was saved (`QWidget.saveGeometry`), or, when there is nothing saved or Qt refuses the
    saved place (it was on a monitor since unplugged), the default size, no larger than the screen's free area,
    centred in it: never left at its least size in the corner, nor larger than the screen than its least size
    makes it (a 1366x768 laptop at 150 %: 911x512 of Qt's pixels against the window's least then, 846x542; 846x462 now). Not
    maximised: a size set later (a test's, a layout's) still applies. Used by the real window and the start's
    first stage alike."""
    if geometry is not None and window.restoreGeometry(geometry):
        return
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        window.resize(DEFAULT_WINDOW_SIZE)
        return
    area = screen.availableGeometry()
    window.resize(DEFAULT_WINDOW_SIZE.boundedTo(area.size() - FRAME_ALLOWANCE))
    size = window.size()  # (no smaller than its least size, which a small screen may not hold)
    spare = area.size() - size - FRAME_ALLOWANCE
    window.move(area.x() + max(0, spare.width() // 2), area.y() + max(0, spare.height() // 2))


def form_state(root: QWidget) -> tuple[object, ...]:
    """What the fields of the form `root` hold, as typed: line edits, spin and date boxes, text boxes, combo boxes,
    checkable buttons and table cells, in a fixed order (two states compare equal when nothing was typed)."""
    state: list[object] = []
    for widget in root.findChildren(QWidget):
        own_line = isinstance(widget, QLineEdit) and not isinstance(widget.parent(), (QAbstractSpinBox, QComboBox))
        if own_line or isinstance(widget, QAbstractSpinBox):  # (a box's own line edit is the box's text)
            state.append(widget.text())  # type: ignore[attr-defined]
        elif isinstance(widget, QPlainTextEdit) or (isinstance(widget, QTextEdit) and not widget.isReadOnly()):
            state.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            state.append(widget.currentText())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state.append(widget.isChecked())
        elif isinstance(widget, QTableWidget):
            cells = [widget.item(r, c) for r in range(widget.rowCount()) for c in range(widget.columnCount())]
            state.append(tuple((i.text(), i.checkState()) if i is not None else None for i in cells))
    return tuple(state)


class DiscardGuard(QObject):
    """Escape, or the Cancel button, on a form holding something typed since it was shown asks before the typing
    goes: "Discard the poll typed?", Keep editing the default (Escape again keeps it). A form unchanged closes at
    once. A close made by the program (the window closing with its dialogs, a signal) is not asked: it calls
    reject() itself, which stays as Qt's.

    Args:
        dialog: the form; the guard is its child.
        what: what the form holds, in words ("poll", "contest", "official result").
        question: the question in full, where "Discard the <what> typed?" does not fit (the paste dialog).
    """

    # (class defaults: what the event filter reads when its attributes were cleared while Qt still hands it the
    # form's last events, as a collector's clear of a cycle left it: tests/ui/test_discard_guard_teardown.py)
    _shown: tuple[object, ...] | None = None
    _question = "Discard what was typed? Nothing of it is saved."

    def __init__(self, dialog: QDialog, what: str, question: str = "") -> None:
        super().__init__(dialog)
        self._question = question or f"Discard the {what} typed? Nothing of it is saved."
        self._shown = None
        dialog.installEventFilter(self)

    @property
    def _dialog(self) -> QDialog:
        """The form: the guard's parent, read from Qt, not held. Held, it made a reference cycle (the form keeps its
        child's wrapper, the guard the form) that only Python's cyclic collector freed, on whichever thread ran it
        next (the store writer's, often): Qt objects destroyed there left their timers registered on the window's
        thread, and the next timer event crashed the app (tests/ui/test_hostile_h1_gc_thread.py)."""
        return self.parent()  # type: ignore[return-value]

    def cancel(self) -> None:
        """The user's Cancel: the dialog is rejected unless something is typed and the user keeps editing."""
        if self.may_close():
            self._dialog.reject()

    def may_close(self) -> bool:
        """True if nothing was typed since the form was shown, or the user chose to discard it."""
        if self._shown is None or form_state(self._dialog) == self._shown:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self._dialog.windowTitle(),  # (a title already: given once through title_text where it holds data)
            self._question,
            QMessageBox.StandardButton.NoButton,
            self._dialog,
        )
        box.setTextFormat(_GuiQt.TextFormat.PlainText)
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is discard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # (read with getattr: a guard collected with its dialog in a garbage-collector cycle has its attributes
        # cleared while Qt still hands it the dialog's last events; that raised AttributeError in the event loop)
        if watched is getattr(self, "_dialog", None):
            if event.type() == QEvent.Type.Show and self._shown is None:
                self._shown = form_state(self._dialog)  # (what the program filled in is not typed)
            elif (
                event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Escape  # type: ignore[attr-defined]
                and event.modifiers() == Qt.KeyboardModifier.NoModifier  # type: ignore[attr-defined]
            ):
                self.cancel()
                return True
        return super().eventFilter(watched, event)
