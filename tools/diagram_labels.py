"""Give the text of diagrams ids and move their words into the species files.

    python tools/diagram_labels.py extract          # every SVG under assets/species
    python tools/diagram_labels.py dump > en.json   # {image key: {id: English}}

``extract`` merges the lines of one multi-line label into one ``<text>`` (lines become
``<tspan>``), gives every text that is not a bare callout number an id (``l1``, ``l2``…),
and appends an ``[images.labels]`` table with the English words to the image's entry in
species.toml when it has none. Run once on a new diagram; translators then fill in the
other languages in species.toml.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "assets" / "species"
sys.path.insert(0, str(ROOT.parent.parent / "src"))

from idtrainer.core.diagrams import SVG_NS, _tag, english_labels  # noqa: E402

BARE = re.compile(r"^[0-9]{1,2}[a-z]?$|^[A-Z]$")


def _num(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def _merge_lines(parent: ET.Element) -> None:
    children = list(parent)
    i = 0
    while i < len(children):
        first = children[i]
        if _tag(first) != "text" or list(first) or BARE.match((first.text or "").strip()):
            i += 1
            continue
        size = _num(first.get("font-size")) or 16
        last_y = _num(first.get("y"))
        j = i + 1
        lines = [(first.text or "").strip()]
        while j < len(children):
            nxt = children[j]
            if (_tag(nxt) != "text" or list(nxt) or nxt.get("x") != first.get("x")
                    or nxt.get("text-anchor") != first.get("text-anchor")
                    or nxt.get("font-size") != first.get("font-size")
                    or nxt.get("font-weight") != first.get("font-weight")
                    or not 0 < _num(nxt.get("y")) - last_y <= size * 1.45):
                break
            lines.append((nxt.text or "").strip())
            last_y = _num(nxt.get("y"))
            parent.remove(nxt)
            j += 1
        if len(lines) > 1:
            first.text = lines[0]
            for line in lines[1:]:
                span = ET.SubElement(first, f"{{{SVG_NS}}}tspan",
                                     {"x": first.get("x", "0"), "dy": "1.2em"})
                span.text = line
        children = list(parent)
        i += 1


def convert(path: Path) -> bool:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    tree = ET.parse(path, parser)
    root = tree.getroot()
    if any(_tag(e) == "text" and e.get("id") for e in root.iter()):
        return False
    for parent in list(root.iter()):
        _merge_lines(parent)
    n = 0
    for element in root.iter():
        if _tag(element) != "text":
            continue
        words = "".join(element.itertext()).strip()
        if not words or (BARE.match(words) and not list(element)):
            continue
        n += 1
        element.set("id", f"l{n}")
    ET.indent(tree, "  ")
    tree.write(path, encoding="utf-8", xml_declaration=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n")
    return True


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def add_labels(species_toml: Path) -> None:
    data = tomllib.loads(species_toml.read_text(encoding="utf-8"))
    text = species_toml.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[\[images\]\])", text)
    head, entries = blocks[0], blocks[1:]
    out = [head]
    for entry, image in zip(entries, data.get("images", []), strict=True):
        svg = species_toml.parent / image["file"]
        if svg.suffix != ".svg" or "labels" in image:
            out.append(entry)
            continue
        labels = english_labels(svg.read_bytes())
        lines = ["[images.labels]"] + [f"{k} = {{ en = {_toml_string(v)} }}"
                                       for k, v in labels.items()]
        out.append(entry.rstrip("\n") + "\n" + "\n".join(lines) + "\n\n")
    species_toml.write_text("".join(out).rstrip("\n") + "\n", encoding="utf-8")


def mark_naming() -> int:
    """Mark ``class="naming"`` on every text that names a species the picture answers for."""
    from idtrainer.core import item_rules
    from idtrainer.core.content import read_content
    from idtrainer.core.languages import codes as language_codes
    from idtrainer.core.texts import pick

    content = read_content()
    species = {s.id: s for s in content.species}
    subjects: dict[str, set[str]] = {}
    for s in content.species:
        for img in s.images:
            subjects.setdefault(img.key, set()).add(s.id)
    for q in content.questions:
        if q.image:
            subjects.setdefault(q.image, set()).update(
                [o["species"] for o in q.options if o["correct"] and o["species"]]
                + q.species)
    marked = 0
    for s in content.species:
        for img in s.images:
            if img.info is None or img.info.mime != "image/svg+xml":
                continue
            common: list[str] = []
            scientific: list[str] = []
            for sid in subjects.get(img.key, ()):
                c, sc = item_rules._terms(species[sid])
                common += c
                scientific += sc
            hit_ids = {key for key, variants in img.labels.items()
                       for loc in language_codes()
                       if (t := pick(variants, loc)) is not None
                       and item_rules.naming_hits([t.value], common, scientific)}
            if not hit_ids:
                continue
            parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
            tree = ET.parse(img.path, parser)
            for element in tree.getroot().iter():
                if _tag(element) == "text" and element.get("id") in hit_ids:
                    classes = (element.get("class") or "").split()
                    if "naming" not in classes:
                        element.set("class", " ".join([*classes, "naming"]))
                        marked += 1
            tree.write(img.path, encoding="utf-8", xml_declaration=True)
            with img.path.open("a", encoding="utf-8") as fh:
                fh.write("\n")
    print(f"marked {marked} texts")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["mark-naming"]:
        return mark_naming()
    if argv[:1] == ["extract"]:
        for svg in sorted(ROOT.glob("*/media/*.svg")):
            convert(svg)
        for toml in sorted(ROOT.glob("*/species.toml")):
            add_labels(toml)
        return 0
    if argv[:1] == ["dump"]:
        out = {f"{svg.parent.parent.name}/media/{svg.name}": english_labels(svg.read_bytes())
               for svg in sorted(ROOT.glob("*/media/*.svg"))}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
