"""``helpline prompts check``: how every prompt of every language is voiced."""

from __future__ import annotations

from dataclasses import dataclass

from helpline.prompts.catalog import PROMPT_KEYS, Catalog
from helpline.prompts.recordings import Recordings


@dataclass(frozen=True)
class LanguageVoicing:
    code: str
    english: str
    reviewed: bool
    tts: tuple[str, ...]
    recorded: tuple[str, ...]
    missing: tuple[str, ...]


def check(catalog: Catalog, recordings: Recordings) -> list[LanguageVoicing]:
    rows = []
    for language in catalog.languages:
        how = {key: recordings.how(language, key) for key in PROMPT_KEYS}
        rows.append(LanguageVoicing(
            code=language.code,
            english=language.english,
            reviewed=language.reviewed,
            tts=tuple(k for k, v in how.items() if v == "tts"),
            recorded=tuple(k for k, v in how.items() if v == "recorded"),
            missing=tuple(k for k, v in how.items() if v == "missing"),
        ))
    return rows


def render(rows: list[LanguageVoicing]) -> str:
    lines = [f"{'language':<24} {'reviewed':<9} {'TTS':>4} {'recorded':>9} {'missing':>8}"]
    for row in rows:
        lines.append(
            f"{row.code + ' ' + row.english:<24} {'yes' if row.reviewed else 'no':<9} "
            f"{len(row.tts):>4} {len(row.recorded):>9} {len(row.missing):>8}"
        )
    missing = [row for row in rows if row.missing]
    if missing:
        lines.append("")
        lines.append("Missing recordings (spoken in the local language until recorded):")
        for row in missing:
            lines.append(f"  {row.code}: {', '.join(row.missing)}")
    unreviewed = [row.code for row in rows if not row.reviewed]
    if unreviewed:
        lines.append("")
        lines.append(f"Not yet reviewed by a native speaker: {', '.join(unreviewed)}")
    return "\n".join(lines)
