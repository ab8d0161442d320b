"""File data kept in ZODB blobs, outside the object pickles."""

from __future__ import annotations

import mimetypes

from persistent import Persistent
from ZODB.blob import Blob

MAX_UPLOAD = 50 * 1024 * 1024


class BlobFile(Persistent):
    def __init__(self, fp, filename: str, mimetype: str | None = None):
        self.filename = filename
        self.mimetype = mimetype or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        self.blob = Blob()
        size = 0
        with self.blob.open("w") as out:
            while chunk := fp.read(65536):
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise ValueError(f"file is larger than {MAX_UPLOAD // (1024 * 1024)} MiB")
                out.write(chunk)
        self.size = size

    def open(self):
        return self.blob.open("r")

    @property
    def is_image(self) -> bool:
        return self.mimetype.startswith("image/")
