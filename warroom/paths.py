"""Where the app keeps its state: explicit, injectable, no import-time side effects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "polls.sqlite3"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.ini"

    @classmethod
    def for_user(cls) -> AppPaths:
        dirs = platformdirs.PlatformDirs("warroom", appauthor=False)
        return cls(dirs.user_data_path, dirs.user_config_path, dirs.user_log_path)

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """All state below one folder: tests, portable mode, --data-dir."""
        return cls(root / "data", root / "config", root / "logs")

    def ensure(self) -> None:
        for folder in (self.data_dir, self.config_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
