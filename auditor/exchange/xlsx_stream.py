"""Streaming one part of an untrusted xlsx zip through expat, counting as it goes.

A part is read in chunks of `CHUNK` bytes and never unpacked whole. `Part` is the base of
every part's handlers: it keeps the element stack and counts elements, nesting and kept
characters against the workbook-wide limits (`xlsx_limits`) in a `Budget` shared by all
the parts of one workbook, so the first limit passed stops the read with `Refused`. The
XML is refused, as defusedxml does, as soon as it declares a DTD or an entity.
"""

from __future__ import annotations

import zipfile
from typing import Any
from xml.parsers import expat

from . import xlsx_limits as limits

CHUNK = 64 * 1024


class Refused(Exception):
    """The workbook is not read: one line naming the part (or, with `cell`, the sheet
    and cell), and why."""

    def __init__(self, message: str, *, cell: bool = False) -> None:
        super().__init__(message)
        self.cell = cell


def local_name(name: str) -> str:
    return name.rpartition(":")[2]


def with_commas(number: int) -> str:
    return f"{number:,}"


class Budget:
    """What all the parts read so far have cost, against the workbook-wide limits."""

    def __init__(self) -> None:
        self.elements = 0
        self.chars = 0


class Part:
    """Expat handlers for one part: the element stack and the generic limits."""

    def __init__(self, name: str, budget: Budget) -> None:
        self.name = name
        self.budget = budget
        self.stack: list[str] = []

    def refuse(self, why: str) -> Refused:
        return Refused(f"{self.name} {why}")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        budget = self.budget
        budget.elements += 1
        if budget.elements > limits.MAX_ELEMENTS:
            raise self.refuse(f"takes the workbook past {with_commas(limits.MAX_ELEMENTS)} XML "
                              "elements; an NC report has far fewer")
        local = local_name(name)
        if len(self.stack) >= limits.MAX_DEPTH:
            raise self.refuse(f"nests XML more than {limits.MAX_DEPTH} deep; an NC "
                              "report's is at most about 10 deep")
        self.open(local, attrs)
        self.stack.append(local)

    def end(self, name: str) -> None:
        local = self.stack.pop()
        self.close(local)

    def keep(self, count: int) -> None:
        self.budget.chars += count
        if self.budget.chars > limits.MAX_TEXT_CHARS:
            raise self.refuse(f"takes the workbook's text past "
                              f"{with_commas(limits.MAX_TEXT_CHARS)} characters; an NC report's "
                              "is far shorter")

    def open(self, local: str, attrs: dict[str, str]) -> None:
        pass

    def close(self, local: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass

    @property
    def parent(self) -> str:
        return self.stack[-1] if self.stack else ""


def _refuse_dtd(*_args: Any) -> None:
    raise Refused("its XML declares entities or a DTD, refused as unsafe")


def _refuse_external(*_args: Any) -> int:
    raise Refused("its XML declares entities or a DTD, refused as unsafe")


def parse_part(archive: zipfile.ZipFile, part: Part) -> None:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_external
    parser.StartElementHandler = part.start
    parser.EndElementHandler = part.end
    parser.CharacterDataHandler = part.data
    fed = 0
    try:
        with archive.open(part.name) as source:
            while chunk := source.read(CHUNK):
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - parser.CurrentByteIndex > limits.MAX_TOKEN_BYTES:
                    raise part.refuse(
                        f"holds a tag, comment or instruction longer than "
                        f"{limits.MAX_TOKEN_BYTES // 1024 // 1024} MB; an NC report's are "
                        "at most a few KB")
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise part.refuse(f"is not well-formed XML ({exc})") from None
    except Refused as exc:
        if str(exc).startswith("its XML declares"):
            raise Refused(f"cannot be read as a workbook ({exc}: {part.name})") from None
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise part.refuse(f"cannot be unpacked ({exc})") from None


def attr_int(text: str | None) -> int:
    """An attribute's number (a style, a format, a string index); 0 when absent, and -1,
    which matches nothing, when it is not a number."""
    try:
        return int(text or 0)
    except ValueError:
        return -1
