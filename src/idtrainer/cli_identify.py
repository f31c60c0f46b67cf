"""Subcommands ``checklist``, ``identify`` and ``experts`` of the ``idtrainer`` command.

Kept apart from cli.py so each area stays a module of one job; cli.py adds the parsers
and dispatches here. Exit codes as in cli.py: 0 success, 1 the answer is "no" (a name
not listed), 2 bad arguments or unusable files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core import i18n, labels
from idtrainer.core.i18n import gettext as _

if TYPE_CHECKING:
    from idtrainer.core.checklist import Listing
    from idtrainer.core.idkey import Answer, Key
    from idtrainer.core.store import Store

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def add_parsers(sub: argparse._SubParsersAction) -> None:
    checklist = sub.add_parser("checklist", help=_("the Index of CITES Species: import, look up"))
    c_sub = checklist.add_subparsers(dest="checklist_command", metavar="ACTION", required=True)
    c_import = c_sub.add_parser("import", help=_("import an Index of CITES Species CSV export"))
    c_import.add_argument("file", metavar="FILE")
    c_import.add_argument("--date", help=_("the date the file was exported (default: the "
                                           "date in its name)"))
    c_lookup = c_sub.add_parser("lookup", help=_("is NAME CITES-listed, and in which Appendix"))
    c_lookup.add_argument("name", nargs="+", metavar="NAME")

    ident = sub.add_parser("identify", help=_("the identification key: remaining candidates "
                                              "and the best next question"))
    ident.add_argument("--lang", dest="identify_lang", choices=i18n.LANGUAGES,
                       help=_("language of the answers (default: the interface's)"))
    ident.add_argument("--answer", action="append", default=[], metavar="CHARACTER=STATE",
                       help=_("an answer, e.g. item=hard-parts or body-length=90-120; "
                              "may be repeated"))
    ident.add_argument("--skip", action="append", default=[], metavar="CHARACTER",
                       help=_("a character that cannot be answered; may be repeated"))
    ident.add_argument("--tolerance", type=int, choices=(0, 1), default=0,
                       help=_("how many answers a candidate may miss (default 0)"))
    ident.add_argument("--list", action="store_true",
                       help=_("list every character and state id"))

    experts = sub.add_parser("experts", help=_("who to call: experts and authorities"))
    e_sub = experts.add_subparsers(dest="experts_command", metavar="ACTION", required=True)
    e_list = e_sub.add_parser("list", help=_("list the experts"))
    e_list.add_argument("--country", help=_("only this country (KZ, KG, TJ, UZ)"))
    e_import = e_sub.add_parser("import", help=_("add experts from a CSV file"))
    e_import.add_argument("file", metavar="FILE")
    e_country = e_sub.add_parser("country", help=_("set this laptop's country"))
    e_country.add_argument("code", choices=("KZ", "KG", "TJ", "UZ"))


# -- checklist ---------------------------------------------------------------------------------

def checklist_date_line(date: str | None, current: bool) -> str:
    if not date:
        return _("No checklist imported")
    if current:
        return _("Checklist of {date}").format(date=date)
    return _("Checklist of {date}: not current").format(date=date)


def level_text(found: Listing) -> str:
    if found.covered_by:
        return _("covered by {rank} {name}").format(rank=rank_name(found.level),
                                                    name=found.covered_by)
    return rank_name(found.level)


def rank_name(rank: str) -> str:
    names = {"species": _("species"), "subspecies": _("subspecies"), "genus": _("genus"),
             "family": _("family"), "order": _("order"), "variety": _("variety")}
    return names.get(rank, rank)


def cmd_checklist(store: Store, args: argparse.Namespace, fail: type[Exception]) -> int:
    from idtrainer.core.checklist import ACKNOWLEDGEMENT, ChecklistError

    if args.checklist_command == "import":
        def progress(done: int, total: int, stage: str) -> None:
            if total and stage == "write":
                print(f"\r{done * 100 // total:3d}%", end="", file=sys.stderr, flush=True)
        try:
            result = store.checklist.import_file(Path(args.file), date=args.date,
                                                 progress=progress)
        except ChecklistError as exc:
            raise fail(str(exc)) from exc
        print(file=sys.stderr)
        print(_("Imported {taxa} taxa and {synonyms} synonyms from the checklist of {date}.")
              .format(taxa=i18n.format_number(result.taxa),
                      synonyms=i18n.format_number(result.synonyms), date=result.date))
        print(ACKNOWLEDGEMENT)
        return EXIT_OK
    name = " ".join(args.name)
    if not store.checklist.count():
        raise fail(_("no checklist imported; run: idtrainer checklist import FILE"))
    found = store.checklist.lookup(name)
    date_line = checklist_date_line(store.checklist.date(), store.checklist.is_current())
    if found is None:
        print(_("{name}: not in the checklist, nor any genus, family or order above it.")
              .format(name=name))
        print(date_line)
        return EXIT_PROBLEM
    print(f"{found.name} {found.author}".strip())
    if found.synonym_of:
        print(_("Accepted name: {accepted} ({name} is a synonym)").format(
            accepted=found.synonym_of, name=found.query))
    if found.names_en:
        print(_("English names: {names}").format(names=found.names_en))
    print(_("Appendix: {listing}").format(listing=appendix_text(found.listing)))
    print(_("Listed as: {level}").format(level=level_text(found)))
    if found.annotation:
        print(_("Annotation: {text}").format(text=found.annotation))
    if found.symbol:
        print(_("Parts and derivatives: annotation {symbol}").format(symbol=found.symbol))
    print(date_line)
    return EXIT_OK if found.listed else EXIT_PROBLEM


def appendix_text(listing: str) -> str:
    parts = [_("not listed (NC)") if p == "NC" else p for p in listing.split("/")]
    return " / ".join(parts)


# -- identify ----------------------------------------------------------------------------------

def parse_answer(key: Key, text: str, fail: type[Exception]) -> Answer:
    from idtrainer.core.idkey import Answer

    character, sep, value = text.partition("=")
    character, value = character.strip(), value.strip()
    if not sep or character not in key.characters:
        raise fail(_("--answer {text!r}: no character {character!r}; see identify --list")
                   .format(text=text, character=character))
    found = key.characters[character]
    if found.numeric:
        low, _dash, high = value.partition("-") if not value.startswith("-") else (value, "", "")
        try:
            return Answer.value(character, float(low), float(high) if high else None)
        except ValueError:
            raise fail(_("--answer {text!r}: give a number or a range such as 90-120")
                       .format(text=text)) from None
    states = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in states if s not in found.states]
    if not states or unknown:
        raise fail(_("--answer {text!r}: {character} has the states {states}").format(
            text=text, character=character, states=", ".join(found.states)))
    return Answer.state(character, *states)


def cmd_identify(store: Store, args: argparse.Namespace, fail: type[Exception]) -> int:
    from idtrainer.core import idkey

    locale = args.identify_lang or i18n.current_language()
    if not store.identify.has_key():
        raise fail(_("this database has no identification key"))
    key = store.identify.key()
    infos = {c.id: c for c in store.identify.characters(locale)}
    if args.list:
        for c in infos.values():
            unit = f" [{c.unit}]" if c.unit else ""
            print(f"{c.id}{unit}: {c.name}")
            for s in c.states:
                print(f"    {s.id}: {s.text}")
        return EXIT_OK
    session = idkey.Session(key, tolerance=args.tolerance)
    for text in args.answer:
        session.answer(parse_answer(key, text, fail))
    for character in args.skip:
        if character not in key.characters:
            raise fail(_("--skip {character!r}: no such character; see identify --list")
                       .format(character=character))
        session.skip(character)
    ev = session.evaluate()
    summaries = {s.slug: s for s in store.species.all(locale)}
    print(_("Candidates: {n} of {total}").format(n=len(ev.candidates), total=len(key.taxa)))
    for i, candidate in enumerate(ev.candidates, 1):
        summary = summaries.get(candidate.taxon)
        name = (f"{summary.name} ({summary.scientific_name})" if summary
                else candidate.taxon)
        line = f"{i:3d}. {candidate.taxon}  {name}"
        if summary is not None:
            line += "  " + labels.listing_text(summary.appendix, summary.checked_on,
                                               summary.to_verify)
        if candidate.mismatches:
            line += "  " + _("(does not fit: {characters})").format(
                characters=", ".join(candidate.mismatches))
        print(line)
    for record in ev.not_separable:
        reason = store.identify.reason(record.id, locale)
        print(_("Not separable by the key: {reason}").format(reason=reason or ""))
    if ev.best:
        best = infos[ev.best[0].character]
        print(_("Best next question: {id} — {name}").format(id=best.id, name=best.name))
        if best.kind == "numeric":
            print("    " + _("a number or a range, e.g. {example}").format(
                example=f"{best.id}=90-120"))
        for s in best.states:
            print(f"    {best.id}={s.id}: {s.text}")
    else:
        print(_("No question left that would split the candidates."))
    return EXIT_OK


# -- experts -----------------------------------------------------------------------------------

def cmd_experts(store: Store, args: argparse.Namespace, fail: type[Exception]) -> int:
    from idtrainer.core.experts import ExpertsError

    try:
        if args.experts_command == "country":
            store.experts.set_country(args.code)
            print(_("This laptop's country: {code}").format(code=args.code))
            return EXIT_OK
        if args.experts_command == "import":
            n = store.experts.import_csv(Path(args.file))
            print(i18n.ngettext("{n} expert added", "{n} experts added", n).format(n=n))
            return EXIT_OK
    except ExpertsError as exc:
        raise fail(str(exc)) from exc
    for e in store.experts.all(args.country or None):
        print(" | ".join(expert_line(e)))
    return EXIT_OK


def expert_line(e) -> list[str]:
    from idtrainer.core.experts import GROUP_NAMES, ROLE_NAMES

    def value(field: str, label: str) -> str:
        text = getattr(e, field)
        return text if text else _("to fill in: {field}").format(field=label)

    return [e.country, _(ROLE_NAMES[e.role]), _(GROUP_NAMES[e.group]),
            value("name", _("name")), value("organisation", _("organisation")),
            value("phone", _("phone")), value("email", _("e-mail")), e.languages]
