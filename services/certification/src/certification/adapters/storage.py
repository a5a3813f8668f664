"""Document storage behind a Protocol; the local-directory adapter (a mounted volume in production).

Uploads are recognised by their leading bytes and cut off while streaming once too large (CERT-3);
files get server-side names and nothing is left behind when an upload is refused.
"""
from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from certification.domain import errors
from certification.domain.requirements import SNIFF_BYTES, sniff_media_type


@dataclass(frozen=True)
class StoredFile:
    key: str
    media_type: str
    size: int
    sha256: str


class DocumentStorage(Protocol):
    async def store(self, chunks: AsyncIterator[bytes], max_bytes: int) -> StoredFile: ...
    async def read(self, key: str) -> bytes: ...
    async def delete(self, key: str) -> None: ...


class LocalDocumentStorage:
    """Files in one directory, named by a random server-side key."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        if not key.replace("-", "").isalnum():  # keys are ours; refuse anything path-like
            raise ValueError("bad storage key")
        return self.directory / key

    async def store(self, chunks: AsyncIterator[bytes], max_bytes: int) -> StoredFile:
        self.directory.mkdir(parents=True, exist_ok=True)
        key = str(uuid.uuid4())
        partial = self.directory / f".{key}.part"
        digest, size, head, media_type = hashlib.sha256(), 0, b"", None
        handle = None
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise errors.DocumentTooLarge(f"documents may be at most {max_bytes} bytes", max_bytes=max_bytes)
                if handle is None:
                    head += chunk
                    if len(head) < SNIFF_BYTES:
                        continue
                    media_type = self._sniff(head)
                    handle = open(partial, "wb")  # noqa: SIM115 (closed in finally)
                    chunk, head = head, b""
                digest.update(chunk)
                handle.write(chunk)
            if size == 0:
                raise errors.EmptyDocument("the upload has no content")
            if handle is None:  # shorter than the sniffing window
                media_type = self._sniff(head)
                handle = open(partial, "wb")  # noqa: SIM115
                digest.update(head)
                handle.write(head)
            handle.close()
            os.replace(partial, self._path(key))
        except BaseException:
            if handle is not None:
                handle.close()
            partial.unlink(missing_ok=True)
            raise
        assert media_type is not None
        return StoredFile(key=key, media_type=media_type, size=size, sha256=digest.hexdigest())

    @staticmethod
    def _sniff(head: bytes) -> str:
        media_type = sniff_media_type(head)
        if media_type is None:
            raise errors.UnsupportedDocumentType("the content is not a PDF, JPEG or PNG file")
        return media_type

    async def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    async def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
