"""Opening a file the user named, for every reader: refusing at once what would hang or never end."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


def open_regular(path: str | Path) -> BinaryIO:
    """Open a file the user named, for reading bytes, refusing at once what would hang or never end.

    Opened non-blocking, so a FIFO with no writer returns at once instead of waiting forever, then checked on the
    open descriptor (no race with a swap): a pipe, socket or device (/dev/zero never ends) or a folder is refused.
    A symlink the user chose is followed. Used by every file reader (ballots, poll CSV, compilations, New York
    City's files) and by warroom.paths.read_input_file.

    Raises:
        OSError: missing, unreadable, or not a regular file; `strerror` says which in plain words and `filename`
            is the path.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a pipe, socket or device): nothing was read", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
