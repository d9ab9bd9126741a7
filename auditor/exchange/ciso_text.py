"""The texts of a CISO Assistant library node, in the language asked for.

A library is written in one language (its `locale`) and may carry others: a
`translations` block on the library, the framework and each node, keyed by language
(`translations: {en: {name: ..., description: ...}}`). Every text is the library's own:
taken whole (line breaks kept, control characters left out), never cut and never wrapped
in words of ours. The one sentence we write, for an assessable node that has no text at
all, is written in the library's language, or not at all.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.domain.text import one_line, shorten, without_controls

TITLE_CHARS = 90
# What to say of an assessable requirement that has nothing but its ref, in the languages
# of CISO Assistant's libraries; in any other language no prompt is made.
ONLY_REF_PROMPTS = {
    "en": "Show how requirement {ref} is met.",
    "fr": "Montrez comment l\u2019exigence {ref} est satisfaite.",
    "de": "Zeigen Sie, wie die Anforderung {ref} erf\u00fcllt wird.",
    "es": "Muestre c\u00f3mo se cumple el requisito {ref}.",
    "it": "Mostrate come viene soddisfatto il requisito {ref}.",
    "nl": "Laat zien hoe aan eis {ref} wordt voldaan.",
    "pt": "Mostre como o requisito {ref} \u00e9 cumprido.",
}
NO_TITLE = "(no title in the library)"
_BULLET = re.compile(r"^(?:[-*\u2022\u25e6\u25aa\u2023\u00b7o>]|\d{1,3}[.)]|[a-z][.)])\s+")
_INLINE_BULLETS = re.compile(r"[\u2022\u25e6\u25aa]")


class Malformed(Exception):
    """A problem inside the library; the converter prefixes the file name."""


def clean(text: str) -> str:
    """Library text as a checklist can hold it: line and paragraph separators as line
    breaks, other control and format characters (an escape sequence, a bidi override)
    left out, tabs as spaces, trailing spaces gone."""
    text = text.replace("\r\n", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = without_controls(text).replace("\t", " ")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def plain(mapping: dict, key: str, what: str) -> str:
    """The text under `key`, cleaned; "" when absent."""
    value = mapping.get(key)
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, (str, int, float)):
        return clean(str(value))
    kind = "a mapping" if isinstance(value, dict) else "a list" \
        if isinstance(value, list) else type(value).__name__
    raise Malformed(f"{what}: {key} must be text, not {kind}")


class Language:
    """Which of a library's languages to read: its own (`lang` None or the locale) or a
    translation; a node without that translation keeps its own text, and is counted."""

    def __init__(self, locale: str, lang: str | None) -> None:
        self.locale = locale
        self.lang = lang if lang and lang != locale else None
        self.untranslated = 0

    @property
    def code(self) -> str:
        return self.lang or self.locale

    def block(self, mapping: dict) -> dict | None:
        if self.lang is None:
            return None
        translations = mapping.get("translations")
        found = translations.get(self.lang) if isinstance(translations, dict) else None
        return found if isinstance(found, dict) else None

    def text(self, mapping: dict, key: str, what: str,
             block: dict | None = None) -> str:
        """`key` of `mapping` in the language asked for (`block`: its translation, when
        the caller already looked it up)."""
        block = self.block(mapping) if block is None else block
        if block is not None:
            translated = plain(block, key, f"{what} ({self.lang} translation)")
            if translated:
                return translated
        return plain(mapping, key, what)


def languages(data: Any) -> set[str]:
    """The languages a library carries translations for (its own header, its framework
    and its first nodes are enough to tell)."""
    found: set[str] = set()
    objects = data.get("objects") if isinstance(data, dict) else None
    framework = objects.get("framework") if isinstance(objects, dict) else None
    nodes = framework.get("requirement_nodes") if isinstance(framework, dict) else None
    sample = [data, framework, *(nodes[:50] if isinstance(nodes, list) else [])]
    for mapping in sample:
        translations = mapping.get("translations") if isinstance(mapping, dict) else None
        if isinstance(translations, dict):
            found.update(str(k) for k in translations)
    return found


def title_from(name: str, description: str, *more: str) -> str:
    """A node's title: its name, else the first words of its description (its first
    sentence, up to TITLE_CHARS), else of the other texts given."""
    if name:
        return one_line(name)
    for text in (description, *more):
        if text.strip():
            first = next(line for line in text.splitlines() if line.strip())
            first = _BULLET.sub("", first.strip())
            sentence = re.split(r"(?<=[.!?;])\s", first, maxsplit=1)[0].rstrip(".;:")
            return shorten(sentence or text, TITLE_CHARS, at_word=True)
    return NO_TITLE


def only_ref_prompt(language: str, ref: str) -> str | None:
    template = ONLY_REF_PROMPTS.get(language.split("-")[0].split("_")[0].lower())
    return template.format(ref=ref) if template else None


def questions(node: dict, what: str, language: Language, block: dict | None
              ) -> list[tuple[str, tuple[str, ...], dict]]:
    """Each question as (text, answer choices, the question's own mapping). Current
    libraries key questions by urn (`questions: {urn: {text, choices: [{value}]}}`); older
    ones nest them (`question: {question_choices: [...], questions: [{urn, text}]}`)."""
    out: list[tuple[str, tuple[str, ...], dict]] = []
    seen: set[str] = set()
    for entry, shared, other in _question_entries(node, what, block):
        text = plain(other, "text", what) or plain(entry, "text", f"{what}: a question")
        if not text or text in seen:
            continue
        seen.add(text)
        options = entry.get("choices", shared)
        out.append((text, _choices(options, other.get("choices"), what), entry))
    return out


def _question_entries(node: dict, what: str, block: dict | None
                      ) -> list[tuple[dict, Any, dict]]:
    """Each question as (its mapping, choices shared by a legacy block, its translation
    in `block` or {})."""
    # (its urn, the question, choices shared by a legacy block)
    found: list[tuple[Any, Any, Any]] = []
    value = node.get("questions")
    if isinstance(value, dict):
        found.extend((urn, q, None) for urn, q in value.items())
    elif isinstance(value, list):
        found.extend((None, q, None) for q in value)
    elif value is not None:
        raise Malformed(f"{what}: questions must be a mapping or a list")
    legacy = node.get("question")
    if isinstance(legacy, dict) and isinstance(legacy.get("questions"), list):
        found.extend((None, q, legacy.get("question_choices")) for q in legacy["questions"])
    translated = block.get("questions") if block is not None else None
    out = []
    for urn, question, shared in found:
        entry = question if isinstance(question, dict) else {"text": question}
        urn = entry.get("urn", urn)
        other = translated.get(urn) if isinstance(translated, dict) and \
            isinstance(urn, str) else None
        out.append((entry, shared, other if isinstance(other, dict) else {}))
    return out


def untranslated(node: dict, block: dict | None, what: str) -> bool:
    """Whether any text the node shows (name, description, annotation, typical evidence,
    a question or one of its answer choices) has no translation in `block`, and so is
    shown in the library's language among translated ones."""
    for key in ("name", "description", "annotation", "typical_evidence"):
        if _has_text(node.get(key)) and not (block and _has_text(block.get(key))):
            return True
    for entry, shared, other in _question_entries(node, what, block):
        if _has_text(entry.get("text")) and not _has_text(other.get("text")):
            return True
        options = entry.get("choices", shared)
        given = other.get("choices")
        by_urn = {c.get("urn"): c for c in given if isinstance(c, dict)} \
            if isinstance(given, list) else {}
        for option in options if isinstance(options, list) else ():
            own = option.get("value") if isinstance(option, dict) else option
            translation = by_urn.get(option.get("urn"), {}) \
                if isinstance(option, dict) else {}
            if _has_text(own) and not _has_text(translation.get("value")):
                return True
    return False


def _has_text(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_text(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    return bool(str(value).strip())


def _choices(options: Any, translated: Any, what: str) -> tuple[str, ...]:
    if not isinstance(options, list):
        return ()
    by_urn = {c.get("urn"): c for c in translated if isinstance(c, dict)} \
        if isinstance(translated, list) else {}
    values: list[str] = []
    for option in options:
        if isinstance(option, dict):
            shown = by_urn.get(option.get("urn"), option)
            value = plain(shown, "value", f"{what}: an answer choice") or \
                plain(option, "value", f"{what}: an answer choice")
            detail = plain(shown, "description", f"{what}: an answer choice")
            if value and detail and detail != value:
                value = f"{value} \u2014 {detail}"
        else:
            value = clean(str(option)) if isinstance(option, (str, int, float)) else ""
        if value:
            values.append(one_line(value))
    return tuple(dict.fromkeys(values))


def evidence(value: Any, what: str) -> tuple[str, ...]:
    """`typical_evidence` as one line per piece of evidence (bullets and numbering off)."""
    if value is None:
        return ()
    if isinstance(value, list):
        if not all(isinstance(v, (str, int, float)) for v in value):
            raise Malformed(f"{what}: typical_evidence entries must be text")
        lines = [clean(str(v)) for v in value]
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        lines = clean(str(value)).splitlines()
    else:
        raise Malformed(f"{what}: typical_evidence must be text")
    out: list[str] = []
    for line in lines:
        for part in _INLINE_BULLETS.split(line):
            part = _BULLET.sub("", part.strip()).strip()
            if part:
                out.append(one_line(part))
    return tuple(dict.fromkeys(out))
