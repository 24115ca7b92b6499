"""The import settings (``roost.app.imports``): where uploaded import files wait and how
large an import may be. ``Settings`` inherits the fields from ``ImportFields``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings


@dataclass(frozen=True, slots=True)
class ImportSettings:
    """Bulk imports (Mattermost and Slack exports) and their uploads."""

    import_directory: Path | None
    import_max_file_bytes: int


class ImportFields(BaseSettings):
    """Settings derives from it last (it is Settings' BaseSettings), which keeps the
    class line of roost.config short."""

    import_directory: Path | None = Field(
        default=None,
        description="folder of this node's uploaded import files (one folder per tenant); "
        "empty: `import` in the data directory",
        json_schema_extra={"mattermost": "ImportSettings.Directory"},
    )
    import_max_file_bytes: int = Field(
        default=50 * 1024**3,
        ge=1024,
        description="largest import file, uploaded or unpacked (a bigger archive is refused "
        "before anything is read; attachments are bounded by `ROOST_MAX_FILE_SIZE`)",
    )

    @property
    def imports(self) -> ImportSettings:
        # Here rather than in roost.config, which is at its length limit.
        return ImportSettings(self.import_directory, self.import_max_file_bytes)
