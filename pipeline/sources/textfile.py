"""Reading text files people made: articles and plain-text stories.

In: the bytes of a file and the name to show.
Out: its text with LF line ends, or `ProblemsFound` with one problem that says which encoding the
file looks like and how to save it as UTF-8.
"""

from __future__ import annotations

from pipeline.errors import Problem, ProblemsFound


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 (BOM optional) only; line endings become LF. Anything else is one problem naming what the
    file looks like (UTF-16, Windows-1252) and how to re-save it."""
    how_to_fix = (
        "re-save the file as UTF-8 (e.g. in Notepad: File > Save As > Encoding: UTF-8)"
    )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProblemsFound(
            [
                Problem(
                    source,
                    None,
                    "encoding",
                    f"file is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8; {how_to_fix}",
                )
            ]
        )
    if data.count(b"\x00") > len(data) // 4:
        raise ProblemsFound(
            [
                Problem(
                    source,
                    None,
                    "encoding",
                    f"file looks like UTF-16 (it is full of zero bytes), not UTF-8; {how_to_fix}",
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = (
            data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n")
            + 1
        )
        bad = data[exc.start : exc.start + 1]
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            guess = "it is in some other 8-bit encoding (perhaps Latin-1)"
        else:
            guess = (
                "it looks like Windows-1252 "
                "(the usual cause: curly quotes or accents typed in an old Windows editor)"
            )
        raise ProblemsFound(
            [
                Problem(
                    source,
                    line,
                    "encoding",
                    f"file is not valid UTF-8 (byte 0x{bad.hex()}); {guess}; {how_to_fix}",
                )
            ]
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
