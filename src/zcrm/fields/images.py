"""Image detection from a file's first bytes (zoho-v5-related.md §7.1): PNG, JPEG, GIF and BMP, whatever the file's
name or declared type. Pure; used by image-upload fields (§6.3) and record photos (§7)."""

from __future__ import annotations

HEAD_BYTES = 8  # the longest signature

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def image_type(head: bytes) -> str | None:
    """The image content type of a file starting with ``head`` (at least its first ``HEAD_BYTES``), or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None
