"""Source comments cite docs/architecture.md by section; every cited section exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r'docs/architecture\.md,\s*(?:#\s*)?"([^"]+)"')


def test_every_cited_section_of_architecture_md_exists():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (.+)$", doc, flags=re.M))
    cited: dict[str, list[str]] = {}
    for folder in ("src", "tests", "bench", "tools"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for name in CITATION.findall(text):
                cited.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert len(cited) >= 5  # the scan really finds the citations
    assert {n: p for n, p in cited.items() if n not in sections} == {}


def test_no_source_cites_a_file_a_clone_does_not_have():
    missing = "DESIGN" + ".md"  # a design file that was never part of the repository
    assert not (ROOT / missing).exists()
    for folder in ("src", "tests", "bench", "tools"):
        for path in (ROOT / folder).rglob("*.py"):
            assert missing not in path.read_text(encoding="utf-8"), path
