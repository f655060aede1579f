"""How long the language menu takes to speak, measured on the real menu TwiML.

Builds the menu exactly as ``/voice/incoming`` returns it, then synthesises every
``<Say>`` with espeak-ng (``apt-get install espeak-ng``) in the voice's language
and measures the audio. Twilio's Polly and Google voices speak at a similar
pace (espeak-ng's default is 175 words a minute); treat the figures as a close
estimate, not a stopwatch on a real phone. Prints, per language, when its entry
starts (how long a caller waits to hear her language) and the whole length.

Run: ``.venv/bin/python benchmarks/menu_length.py``
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import wave
import xml.etree.ElementTree as ET
from pathlib import Path

from helpline.prompts.catalog import load_catalog
from helpline.prompts.recordings import Recordings
from helpline.voice.twiml import menu
from helpline.voice.voicing import Voicing

# Twilio <Say> language -> espeak-ng voice
ESPEAK = {
    "nb-NO": "nb", "da-DK": "da", "arb": "ar", "tr-TR": "tr", "pa-IN": "pa", "en-GB": "en-gb",
    "fr-FR": "fr-fr", "es-ES": "es", "sr-RS": "sr", "hi-IN": "hi", "ta-IN": "ta",
    "cmn-CN": "cmn", "ko-KR": "ko", "lt-LT": "lt", "ro-RO": "ro", "hu-HU": "hu",
}


def seconds(text: str, voice: str, workdir: Path) -> float:
    out = workdir / "say.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True,
                   capture_output=True)
    with wave.open(str(out)) as audio:
        return audio.getnframes() / audio.getframerate()


def main() -> int:
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed: apt-get install espeak-ng", file=sys.stderr)
        return 1
    catalog = load_catalog()
    voicing = Voicing(catalog, Recordings.on_disk(), lambda c, n: f"/prompts/{c}/{n}")
    doc = ET.fromstring(str(menu(voicing, catalog.languages, action_url="/voice/menu",
                                 num_digits=2, timeout=6, apologise=False)))
    gather = doc.find("./Gather")
    assert gather is not None
    parts = [el for el in gather if el.tag in {"Say", "Play"}]
    labels = ["greeting"] + [language.code for language in catalog.languages]
    elapsed = 0.0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, part in zip(labels, parts, strict=True):
            if part.tag == "Play":
                length = 3.0  # a recorded entry: assume 3 s until recordings exist
            else:
                voice = ESPEAK.get(part.attrib.get("language", ""), "en")
                length = seconds(part.text or "", voice, Path(tmp))
            rows.append((label, elapsed, length))
            elapsed += length
    print(f"{'entry':<10}{'starts at':>10}{'length':>8}")
    for label, start, length in rows:
        print(f"{label:<10}{start:>9.1f}s{length:>7.1f}s")
    print(f"whole menu: {elapsed:.1f} s for {len(rows) - 1} languages "
          f"(mean {sum(r[2] for r in rows[1:]) / (len(rows) - 1):.1f} s an entry)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
