"""What checking hostile input costs: ``python benchmarks/inputs.py``.

Prints the time to refuse a YAML file of 50,000 nested ``[`` (the nesting check of
``schedules.yaml_files``, before any parser), to read a 0.9 MB flat schedule-like
file's nesting, the cost of one phone-number check (``schedules.phones``), and how
ruamel.yaml itself scales with the depth of ``[`` (why the check runs first).
Takes about ten seconds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from ruamel.yaml import YAML  # noqa: E402

from schedules.phones import phone_number  # noqa: E402
from schedules.yaml_files import YamlFile, too_deep  # noqa: E402


def best(run: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    deep = "shifts: " + "[" * 50_000 + "]" * 50_000 + "\n"
    entry = "  - {volunteer: amina-h, languages: [so], weekly: mon 10:00-12:00}\n"
    flat = "shifts:\n" + entry * 13_000
    refuse = best(lambda: YamlFile(deep, "d.yaml"))
    scan = best(lambda: too_deep(flat))
    phone = best(lambda: [phone_number("+47 99 99 10 77") for _ in range(1000)])
    print(f"refuse 50,000 nested [ (YamlFile)        {refuse * 1e3:8.1f} ms")
    print(f"nesting check of a {len(flat) / 1e6:.1f} MB flat file       {scan * 1e3:8.1f} ms")
    print(f"one phone number check                  {phone * 1e3:8.1f} µs")
    for depth in (250, 500, 1000):
        text = "x: " + "[" * depth + "]" * depth + "\n"
        seconds = best(lambda: list(YAML(typ="rt").parse(text)), repeat=1)  # noqa: B023
        print(f"ruamel.yaml events alone, {depth:5d} nested [  {seconds * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
