"""The ``idtrainer`` command: the GUI by default, subcommands for maintenance.

Exit codes: 0 success, 1 the command ran and found a problem (e.g. a failed
integrity check), 2 bad arguments or unusable files.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from idtrainer import __version__
from idtrainer.core import i18n, logs
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import N_, ngettext
from idtrainer.core.i18n import gettext as _
from idtrainer.core.paths import data_dir, db_path

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2

log = logging.getLogger(__name__)
#: For scripts: the trainer password in the environment instead of a file or the terminal.
PASSWORD_ENV = "IDTRAINER_TRAINER_PASSWORD"


class CliError(IDTrainerError):
    """A failure to report as one clear line on stderr, with exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="idtrainer",
        description=_("Offline CITES species-identification training. "
                      "With no command, starts the application."))
    parser.add_argument("--version", action="version", version=f"IDTrainer {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help=_("keep the database and media in DIR"))
    parser.add_argument("--portable", action="store_true",
                        help=_("keep data beside the program (for running from a USB stick)"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES,
                        help=_("interface language (default: the system's)"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help=_("start the application (the default)"))

    trainer = sub.add_parser("trainer", help=_("trainer mode: the password and the publisher "
                                               "key it protects"))
    trainer_sub = trainer.add_subparsers(dest="trainer_command", metavar="ACTION",
                                         required=True)
    setup = trainer_sub.add_parser("setup", help=_("set the trainer password and create the "
                                                   "publisher key"))
    setup.add_argument("--name", default="", help=_("the publisher's name shown to laptops "
                                                    "that trust it"))
    _password_option(setup)
    passwd = trainer_sub.add_parser("passwd", help=_("change the trainer password"))
    passwd.add_argument("--new-password-file", metavar="FILE",
                        help=_("read the new password from the first line of FILE"))
    _password_option(passwd)
    sub.add_parser("info", help=_("show version, data location and content counts"))

    db = sub.add_parser("db", help=_("database maintenance"))
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("check", help=_("run integrity and foreign-key checks"))
    backup = db_sub.add_parser("backup", help=_("write a consistent copy of the database"))
    backup.add_argument("path", metavar="PATH", help=_("the backup file to write"))

    content = sub.add_parser("content", help=_("starter content files"))
    content_sub = content.add_subparsers(dest="content_command", metavar="ACTION",
                                         required=True)
    for name, text in (("check", _("validate content files and list every problem")),
                       ("load", _("validate content files and load them into the database")),
                       ("report", _("count species, lessons, questions and images, and show "
                                    "translation completeness per language"))):
        p = content_sub.add_parser(name, help=text)
        p.add_argument("dir", nargs="?", metavar="DIR",
                       help=_("the content folder (default: the shipped assets)"))
        if name == "load":
            _password_option(p)
    p = content_sub.add_parser("export", help=_(
        "write the course, or chosen modules, from the database to a content folder"))
    p.add_argument("dir", metavar="DIR", help=_("the folder to write (its course/, species/, "
                                               "key/ and experts.toml are replaced)"))
    p.add_argument("--module", action="append", default=[], metavar="ID",
                   help=_("export only this module and what it needs (repeat for more)"))
    p.add_argument("--course", metavar="ID",
                   help=_("the course to export when the database has more than one"))
    _password_option(p)
    p = content_sub.add_parser("adapt", help=_(
        "copy a course or a module under a new id and title, to adapt it"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--module", metavar="ID", help=_("the module to copy"))
    which.add_argument("--course", metavar="ID", help=_("the course to copy"))
    p.add_argument("--as", dest="new_id", required=True, metavar="NEW_ID",
                   help=_("the copy's id (lowercase letters, digits and -)"))
    p.add_argument("--title", required=True, help=_("the copy's title"))
    p.add_argument("--by", default="", help=_("who adapts it (a name or an organisation)"))
    _password_option(p)
    certs = sub.add_parser("certificates", help=_("issue, print and verify certificates"))
    certs_sub = certs.add_subparsers(dest="cert_command", metavar="ACTION", required=True)
    issue = certs_sub.add_parser("issue", help=_("issue one certificate by hand and print it"))
    issue.add_argument("--name", required=True, help=_("the trainee's name, as entered"))
    issue.add_argument("--course", required=True, help=_("the course title"))
    issue.add_argument("--lang", dest="cert_lang", required=True, choices=i18n.LANGUAGES,
                       help=_("the certificate's language"))
    issue.add_argument("--score", type=float, help=_("the score in percent (optional)"))
    issue.add_argument("--out", required=True, help=_("the PDF file to write"))
    _password_option(issue)
    batch = certs_sub.add_parser("print", help=_("print the certificates of a class or of "
                                                 "everyone who passed a quiz"))
    which = batch.add_mutually_exclusive_group(required=True)
    which.add_argument("--class", dest="class_name", help=_("the class name"))
    which.add_argument("--quiz", dest="quiz_title", help=_("the quiz title"))
    batch.add_argument("--course", help=_("the course title (default: the template's)"))
    batch.add_argument("--lang", dest="cert_lang", choices=i18n.LANGUAGES,
                       help=_("the certificate's language (default: the template's)"))
    batch.add_argument("--out", required=True, help=_("the PDF file to write"))
    _password_option(batch)
    verify = certs_sub.add_parser("verify", help=_("check a certificate's QR payload, or look "
                                                   "up a printed serial"))
    verify.add_argument("payload", help=_("the text the QR code holds, or the serial printed "
                                          "on the certificate"))
    revoke = certs_sub.add_parser("revoke", help=_("revoke a certificate"))
    revoke.add_argument("serial")
    revoke.add_argument("--reason", required=True, help=_("why it is revoked"))
    _password_option(revoke)
    reprint = certs_sub.add_parser("reprint", help=_("print an issued certificate again"))
    reprint.add_argument("serial")
    reprint.add_argument("--out", required=True, help=_("the PDF file to write"))
    _password_option(reprint)

    results = sub.add_parser("results", help=_("exam results"))
    results_sub = results.add_subparsers(dest="results_command", metavar="ACTION",
                                         required=True)
    export = results_sub.add_parser("export", help=_("write one row per submitted attempt"))
    export.add_argument("--format", choices=["csv"], default="csv")
    export.add_argument("out", metavar="OUT.csv")
    _password_option(export)

    classes = sub.add_parser("classes", help=_("classes and their trainees"))
    classes_sub = classes.add_subparsers(dest="class_command", metavar="ACTION", required=True)
    create = classes_sub.add_parser("create", help=_("create a class"))
    create.add_argument("name")
    _password_option(create)
    add = classes_sub.add_parser("add", help=_("add trainees to a class by name"))
    add.add_argument("name", help=_("the class name"))
    add.add_argument("trainees", nargs="+", metavar="TRAINEE")
    _password_option(add)
    _password_option(classes_sub.add_parser("list", help=_("list classes and their trainees")))

    bundle = sub.add_parser("bundle", help=_("USB bundles: content out, results back"))
    bundle_sub = bundle.add_subparsers(dest="bundle_command", required=True)
    b_export = bundle_sub.add_parser("export", help=_("write a signed bundle file"))
    b_export.add_argument("--kind", choices=("content", "results"), required=True)
    b_export.add_argument("--module", action="append", default=[], metavar="ID",
                          help=_("only this module (its id, e.g. m1-cites-convention); "
                                 "may be repeated"))
    b_export.add_argument("--quiz", action="append", default=[], metavar="TITLE",
                          help=_("only this quiz; may be repeated"))
    b_export.add_argument("--title", default="", help=_("a note shown to whoever imports it"))
    b_export.add_argument("out", metavar="OUT.idtb")
    _password_option(b_export, _("(needed for --kind content)"))
    b_import = bundle_sub.add_parser("import", help=_("check and import bundle files"))
    b_import.add_argument("files", nargs="+", metavar="FILE")
    b_import.add_argument("--trust-fingerprint", metavar="FINGERPRINT",
                          help=_("trust a new publisher key if its fingerprint is this one"))
    b_import.add_argument("--trust-device", metavar="FINGERPRINT",
                          help=_("pin a new laptop's device key if its fingerprint is this one"))
    _password_option(b_import, _("(needed for results bundles)"))
    b_inspect = bundle_sub.add_parser("inspect", help=_("check a bundle without importing it"))
    b_inspect.add_argument("file", metavar="FILE")

    printing = sub.add_parser("print", help=_("print ID sheets and posters as PDF"))
    print_sub = printing.add_subparsers(dest="print_command", metavar="WHAT", required=True)
    p_sheets = print_sub.add_parser("sheets", help=_("an A4 identification sheet per species"))
    p_sheets.add_argument("--species", nargs="+", required=True, metavar="ID",
                          help=_("species ids, e.g. saiga-tatarica, or 'all'"))
    p_poster = print_sub.add_parser("poster", help=_("a poster of the species carrying a tag"))
    p_poster.add_argument("kind", choices=("natives", "exotics", "derivatives"))
    p_poster.add_argument("--size", choices=("A3", "A2"), default="A3")
    for p in (p_sheets, p_poster):
        p.add_argument("--lang", dest="print_lang", required=True, choices=i18n.LANGUAGES,
                       help=_("the language of the sheet or poster"))
        p.add_argument("--lang2", dest="print_lang2", choices=i18n.LANGUAGES,
                       help=_("a second language printed side by side"))
        p.add_argument("--out", required=True, metavar="FILE.pdf")

    keys = sub.add_parser("keys", help=_("this laptop's keys and the keys it trusts"))
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("list", help=_("list own and trusted keys with fingerprints"))
    k_export = keys_sub.add_parser("export", help=_("write a key to a file"))
    k_export.add_argument("--private", action="store_true",
                          help=_("the publisher key itself, protected by a passphrase, for "
                                 "the trainer's new laptop (default: the public key)"))
    k_export.add_argument("out", metavar="FILE")
    _password_option(k_export, _("(needed for --private)"))
    k_import = keys_sub.add_parser("import", help=_("take over a publisher key exported with "
                                                    "--private"))
    k_import.add_argument("file", metavar="FILE")
    _password_option(k_import)
    k_trust = keys_sub.add_parser("trust", help=_("trust a publisher key from a public key "
                                                  "file or from a bundle it signed, or pin a "
                                                  "laptop from a results bundle it signed"))
    _password_option(k_trust)
    k_trust.add_argument("file", metavar="FILE")
    k_trust.add_argument("--yes", action="store_true",
                         help=_("do not ask (you compared the fingerprint already)"))
    add_trainer_commands(sub)
    from idtrainer import cli_identify

    cli_identify.add_parsers(sub)
    return parser


def _password_option(parser: argparse.ArgumentParser, note: str = "") -> None:
    """Every trainer command takes the trainer password the same way (see _trainer_store)."""
    parser.add_argument("--password-file", metavar="FILE", help=" ".join(filter(None, [
        _("read the trainer password from the first line of FILE (or set {env}; else it is "
          "asked at the terminal)").format(env=PASSWORD_ENV), note])))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(_language_from(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    data = data_dir(args.data_dir, portable=args.portable)
    logs.setup(data)
    logs.log_thread_exceptions()
    command = args.command or "gui"
    try:
        return _run(parser, args, data, command)
    except IDTrainerError as exc:
        return _refused(command, exc)
    except KeyboardInterrupt:
        print(_("idtrainer: interrupted; nothing more was done"), file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        from idtrainer.core.store import store_error

        clear = store_error(exc, db_path(data))  # busy, full, read-only, damaged
        if clear is not None:
            return _refused(command, clear)
        log.exception("internal error in the command %s", command)
        summary = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        where = logs.current()
        if where is not None:
            print(_("idtrainer: internal error ({error}); this is a bug, please report it. "
                    "The details are in {log}").format(error=summary, log=where),
                  file=sys.stderr)
        else:
            print(_("idtrainer: internal error ({error}); this is a bug, please report it. "
                    "No log could be written; the details are above").format(
                error=summary), file=sys.stderr)
        return EXIT_USAGE


def _refused(command: str, exc: BaseException) -> int:
    """One clear line for an error a person can act on; the log gets the same line."""
    log.info("the command %s stopped: %s", command, exc)
    print(_("idtrainer: error: {message}").format(message=exc), file=sys.stderr)
    return EXIT_USAGE


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace, data: Path,
         command: str) -> int:
    if command == "gui":
        from idtrainer.gui.app import run

        return run(data, args.lang)
    if command == "trainer":
        return cmd_trainer(data, args)
    if command == "info":
        return cmd_info(data)
    if command == "db":
        return cmd_db_check(data) if args.db_command == "check" else cmd_db_backup(
            data, Path(args.path))
    if command == "content":
        if args.content_command == "export":
            return cmd_content_export(data, args)
        if args.content_command == "adapt":
            return cmd_content_adapt(data, args)
        return cmd_content(data, args)
    if command == "certificates":
        return cmd_certificates(data, args)
    if command == "classes":
        return cmd_classes(data, args)
    if command == "results":
        return cmd_results(data, args)
    if command == "bundle":
        return cmd_bundle(data, args)
    if command == "keys":
        return cmd_keys(data, args)
    if command in TRAINER_COMMANDS:
        return TRAINER_COMMANDS[command](data, args)
    if command == "print":
        return cmd_print(data, args)
    if command in ("checklist", "identify", "experts"):
        from idtrainer import cli_identify

        run_command = {"checklist": cli_identify.cmd_checklist,
                       "identify": cli_identify.cmd_identify,
                       "experts": cli_identify.cmd_experts}[command]
        with _open(data) as store:
            return run_command(store, args, CliError)
    parser.error(_("unknown command {command}").format(command=command))
    return EXIT_USAGE


def _language_from(argv: list[str]) -> str:
    # Read --lang before argparse builds its (translated) help texts.
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            found = i18n.normalize_language(arg.split("=", 1)[1])
        elif arg == "--lang" and i + 1 < len(argv):
            found = i18n.normalize_language(argv[i + 1])
        else:
            continue
        if found:
            return found
    return i18n.system_language()


def _open(data: Path, *, must_exist: bool = False, load_starter: bool = True):
    from idtrainer.core.app_data import open_store
    from idtrainer.core.content import ContentError
    from idtrainer.core.migrations import SchemaTooNewError
    from idtrainer.core.store import StoreError, store_error

    if must_exist and not db_path(data).exists():
        raise CliError(_("no database at {path}").format(path=db_path(data)))
    try:
        return open_store(data, load_starter=load_starter)
    except (SchemaTooNewError, StoreError, ContentError) as exc:
        raise CliError(str(exc)) from exc
    except OSError as exc:  # the starter content's pictures, on first run
        raise (store_error(exc, None) or CliError(_("{path}: {reason}").format(
            path=exc.filename or data, reason=exc.strerror or exc))) from exc


# -- the trainer password: one helper for every trainer command -------------------------


def _read_secret_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            line = fh.readline(4096)
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(_("{file}: cannot read the password file ({reason})").format(
            file=path, reason=getattr(exc, "strerror", None) or exc)) from exc
    secret = line.rstrip("\r\n")
    if not secret:
        raise CliError(_("{file}: the password file is empty").format(file=path))
    return secret


def trainer_password(args: argparse.Namespace) -> str:
    """The trainer password from --password-file, the environment, or the terminal;
    without one, a CliError (exit 2) before the database is even opened."""
    import os

    if getattr(args, "password_file", None):
        return _read_secret_file(args.password_file)
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if sys.stdin.isatty():
        import getpass

        if secret := getpass.getpass(_("Trainer password: ")):
            return secret
    raise CliError(_("this is a trainer command and needs the trainer password: type it at "
                     "the terminal, or give --password-file FILE or set {env}").format(
        env=PASSWORD_ENV))


@contextmanager
def _trainer_store(data: Path, args: argparse.Namespace, **open_args) -> Iterator:
    """The database, with trainer mode unlocked (the publisher key open) until the end."""
    password = trainer_password(args)
    with _open(data, **open_args) as store:
        _unlock(store, password)
        try:
            yield store
        finally:
            store.trainer.lock()


def _unlock(store, password: str) -> None:
    from idtrainer.core.keys import PublisherLocked

    if not store.trainer.has_password():
        raise CliError(_("trainer mode is not set up on this laptop: run idtrainer trainer "
                         "setup first"))
    try:
        result = store.trainer.unlock(password)
    except PublisherLocked as exc:
        raise CliError(str(exc)) from exc
    if result.wait_seconds:
        raise CliError(ngettext("too many wrong trainer passwords: try again in {n} second",
                                "too many wrong trainer passwords: try again in {n} seconds",
                                result.wait_seconds).format(n=result.wait_seconds))
    if not result.ok:
        raise CliError(_("the trainer password is not right"))


def _new_password(args: argparse.Namespace, file_option: str | None) -> str:
    import os

    if file_option:
        return _read_secret_file(file_option)
    if not sys.stdin.isatty():
        if os.environ.get(PASSWORD_ENV) and args.trainer_command == "setup":
            return os.environ[PASSWORD_ENV]
        raise CliError(_("give the new trainer password with a file option, or run this at a "
                         "terminal"))
    import getpass

    first = getpass.getpass(_("New trainer password: "))
    if getpass.getpass(_("The same again: ")) != first:
        raise CliError(_("the two passwords are not the same"))
    return first


def cmd_trainer(data: Path, args: argparse.Namespace) -> int:
    from idtrainer.core.keys import fingerprint
    from idtrainer.core.trainer_auth import PasswordRejected

    if args.trainer_command == "setup":
        new = _new_password(args, args.password_file)
        # No content is needed to set up: a later content load replaces the starter set.
        with _open(data, load_starter=False) as store:
            if store.trainer.has_password():
                raise CliError(_("trainer mode is set up already; change the password with: "
                                 "idtrainer trainer passwd"))
            try:
                store.trainer.set_password(new, name=args.name)
            except PasswordRejected as exc:
                raise CliError(str(exc)) from exc
            kid = store.keys.publisher()[0]
            print(_("Trainer mode is set up. Publisher key {key}, fingerprint {fingerprint}: "
                    "laptops compare it before they trust your content.").format(
                key=kid, fingerprint=fingerprint(store.keys.public_of(kid))))
            store.trainer.lock()
        return EXIT_OK
    current = trainer_password(args)
    new = _new_password(args, args.new_password_file)
    with _open(data, must_exist=True, load_starter=False) as store:
        _unlock(store, current)
        try:
            store.trainer.set_password(new, current=current)
        except PasswordRejected as exc:
            raise CliError(str(exc)) from exc
        finally:
            store.trainer.lock()
    print(_("The trainer password is changed; the publisher key is sealed with the new one."))
    return EXIT_OK


def cmd_info(data: Path) -> int:
    from idtrainer.core.migrations import LATEST

    fmt = i18n.format_number
    with _open(data) as store:
        rows = [
            (_("Version"), __version__),
            (_("Data directory"), str(data)),
            (_("Database"), str(store.path)),
            (_("Schema version"), _("{version} (this build reads up to {latest})").format(
                version=store.schema_version(), latest=LATEST)),
            (_("Species"), fmt(store.species.count())),
            (_("Lessons"), fmt(store.lessons.lesson_count())),
            (_("Questions"), fmt(store.questions.count())),
            (_("Trainees"), fmt(store.trainees.count())),
            (_("Attempts"), fmt(store.count("attempts"))),
        ]
    width = max(len(label) for label, _value in rows)
    print("IDTrainer")
    for label, value in rows:
        print(f"{label + ':':<{width + 1}} {value}")
    return EXIT_OK


def cmd_db_check(data: Path) -> int:
    with _open(data, must_exist=True, load_starter=False) as store:
        problems = store.check()
        missing = store.media.missing_files()
    for line in problems:
        print(line)
    for sha in missing:
        print(_("media file {sha256} is missing from {folder}").format(
            sha256=sha, folder=store.media_root))
    if problems or missing:
        print(i18n.ngettext("{n} problem found", "{n} problems found",
                            len(problems) + len(missing)).format(n=len(problems) + len(missing)))
        return EXIT_PROBLEM
    print(_("The database is sound: integrity and foreign keys checked."))
    return EXIT_OK


def cmd_db_backup(data: Path, target: Path) -> int:
    from idtrainer.core.store import StoreError

    with _open(data, must_exist=True, load_starter=False) as store:
        try:
            written = store.backup_to(target)
        except (StoreError, OSError) as exc:
            raise CliError(str(exc)) from exc
    print(_("Backup written to {path}").format(path=written))
    return EXIT_OK


def content_counts(species: int, modules: int, lessons: int, questions: int) -> str:
    ngettext, fmt = i18n.ngettext, i18n.format_number
    return ", ".join([
        ngettext("{n} species", "{n} species", species).format(n=fmt(species)),
        ngettext("{n} module", "{n} modules", modules).format(n=fmt(modules)),
        ngettext("{n} lesson", "{n} lessons", lessons).format(n=fmt(lessons)),
        ngettext("{n} question", "{n} questions", questions).format(n=fmt(questions)),
    ])


def print_report(content) -> None:
    from idtrainer.core import labels
    from idtrainer.core.content_report import build_report
    from idtrainer.core.languages import codes as language_codes
    from idtrainer.core.languages import required_content
    from idtrainer.core.schema import TEXT_STATUSES

    r = build_report(content)
    fmt = i18n.format_number

    def table(title: str, rows: Sequence[tuple[str, int | str]]) -> None:
        print(title)
        width = max((len(name) for name, _n in rows), default=0)
        for name, n in rows:
            print(f"  {name:<{width}}  {fmt(n) if isinstance(n, int) else n}")

    table(_("Species: {n}").format(n=fmt(r.species)),
          [(labels.group_name(g), n) for g, n in sorted(r.species_by_group.items())])
    table(_("CITES listings ({n} to verify):").format(n=fmt(r.listings_to_verify)),
          [(labels.appendix_name(a), n) for a, n in sorted(r.species_by_appendix.items())])
    table(_("Modules and their lessons:"), r.modules)
    table(_("Questions by type ({n} in all):").format(n=fmt(sum(r.questions_by_type.values()))),
          [(labels.question_type_name(t), n) for t, n in sorted(r.questions_by_type.items())])
    table(_("Questions by module:"), sorted(r.questions_by_module.items()))
    table(_("Images by licence:"), sorted(r.images_by_licence.items()))
    rows = []
    for loc in language_codes():
        parts = ", ".join(f"{_(status)} {fmt(r.translations[(loc, status)])}"
                          for status in TEXT_STATUSES)
        rows.append((i18n.language_name(loc),
                     f"{i18n.format_percent(r.completeness(loc))} ({parts})"))
    table(_("Translation of {n} texts, by language and status:").format(n=fmt(r.texts)), rows)

    from idtrainer.core.item_rules import LONG_RATIO, bank_figures, check_rules

    fig = bank_figures(content)
    pct = i18n.format_percent
    rules = [(_("true/false answered true"), f"{fmt(fig.truefalse_true)} / "
              f"{fmt(fig.truefalse)} ({pct(fig.true_share)})")]
    for loc in required_content():
        rules.append((_("correct option over {ratio}× the longest distractor ({language})")
                      .format(ratio=LONG_RATIO, language=i18n.language_name(loc)),
                      f"{fmt(len(fig.long_correct.get(loc, [])))} / {fmt(fig.single)} "
                      f"({pct(fig.long_share(loc))})"))
    rules.append((_("problems found by the item-writing and giveaway rules"),
                  fmt(len(check_rules(content)))))
    table(_("Item-writing rules:"), rules)


def cmd_content(data: Path, args: argparse.Namespace) -> int:
    from idtrainer.core.content import ContentError, load_content, read_content

    action, folder = args.content_command, args.dir
    root = Path(folder) if folder else None
    if root is not None and not root.is_dir():
        raise CliError(_("{path}: not a folder").format(path=root))
    try:
        content = read_content(root)
    except ContentError as exc:
        # One problem is one line; several get a count above them.
        print(exc.problems[0] if len(exc.problems) == 1 else exc, file=sys.stderr)
        return EXIT_USAGE
    counts = content_counts(len(content.species), len(content.modules),
                            sum(len(m.lessons) for m in content.modules),
                            len(content.questions))
    if action in ("check", "load"):
        from idtrainer.core.item_rules import check_rules

        if problems := check_rules(content):
            print(ContentError(problems), file=sys.stderr)
            return EXIT_USAGE
    if action == "check":
        print(_("Content is valid: {counts}.").format(counts=counts))
        return EXIT_OK
    if action == "report":
        print_report(content)
        return EXIT_OK
    from idtrainer.core.app_data import STARTER_LOADED

    with _trainer_store(data, args, load_starter=False) as store:
        summary = load_content(store, content)
        # The database now has content: the first start must not add the starter set too.
        store.set_setting(STARTER_LOADED, store.now())
    print(_("Loaded {counts}: {added} rows added, {updated} updated, {unchanged} unchanged.")
          .format(counts=counts, added=summary.total("added"),
                  updated=summary.total("updated"), unchanged=summary.total("unchanged")))
    return EXIT_OK


def cmd_content_export(data: Path, args: argparse.Namespace) -> int:
    from idtrainer.core.course_files import ExportError, export_content

    _require_text(args, "module", "course")
    with _trainer_store(data, args, must_exist=True, load_starter=False) as store:
        try:
            summary = export_content(store, Path(args.dir), modules=args.module or None,
                                     course=args.course)
        except ExportError as exc:
            raise CliError(str(exc)) from exc
    counts = content_counts(summary.species, len(summary.modules), summary.lessons,
                            summary.questions)
    print(_("Exported {counts} to {path}.").format(counts=counts, path=summary.folder))
    return EXIT_OK


def cmd_content_adapt(data: Path, args: argparse.Namespace) -> int:
    from idtrainer.core.adapt import AdaptError, duplicate_course, duplicate_module

    _require_text(args, "module", "course", "new_id", "title", "by")
    with _trainer_store(data, args, must_exist=True, load_starter=False) as store:
        try:
            if args.module:
                copied = duplicate_module(store, args.module, args.new_id, args.title,
                                          by=args.by)
            else:
                copied = duplicate_course(store, args.course, args.new_id, args.title,
                                          by=args.by)
        except AdaptError as exc:
            raise CliError(str(exc)) from exc
    ngettext, fmt = i18n.ngettext, i18n.format_number
    counts = ", ".join([
        ngettext("{n} module", "{n} modules", copied.modules).format(n=fmt(copied.modules)),
        ngettext("{n} lesson", "{n} lessons", copied.lessons).format(n=fmt(copied.lessons)),
        ngettext("{n} question", "{n} questions", copied.questions).format(
            n=fmt(copied.questions))])
    print(_("Copied as {id}: {counts}.").format(id=copied.slug, counts=counts))
    return EXIT_OK


def _require_text(args: argparse.Namespace, *options: str) -> None:
    """Refuse arguments that are not UTF-8 text. Python passes such bytes through as lone
    surrogates, which SQLite, JSON and the PDF cannot take; file names are left alone
    (the file system takes them as they are)."""
    for option in options:
        values = getattr(args, option, None)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and any("\ud800" <= ch <= "\udfff" for ch in value):
                shown = {"class_name": "--class", "quiz_title": "--quiz", "serial": "SERIAL"
                         }.get(option, "--" + option.replace("_", "-"))
                raise CliError(_("the value of {option} is not UTF-8 text: type it again or "
                                 "check the terminal's encoding").format(option=shown))


VERDICTS = {
    "valid": N_("VALID: the signature is genuine and the certificate is not revoked."),
    "invalid": N_("INVALID: the signature does not match; the certificate was altered or "
                  "forged."),
    "revoked": N_("REVOKED: the certificate was withdrawn."),
    "unknown_issuer": N_("UNKNOWN ISSUER: this laptop does not trust the key that signed it."),
    "malformed": N_("NOT A CERTIFICATE: the text is not an IDTrainer certificate code."),
    "registered": N_("IN THE REGISTER: this laptop issued or knows this serial; only the QR "
                     "code proves that a printed certificate is genuine."),
    "registered_revoked": N_("REVOKED: the certificate with this serial was withdrawn."),
    "unregistered": N_("NOT IN THE REGISTER: this laptop knows no certificate with this "
                       "serial; scan the QR code to check the signature."),
}


def cmd_print(data: Path, args: argparse.Namespace) -> int:
    from idtrainer.core import print_pdf

    out = Path(args.out)
    if not out.parent.is_dir():
        raise CliError(_("{path}: no such folder").format(path=out.parent))
    with _open(data) as store:
        try:
            if args.print_command == "sheets":
                if args.species == ["all"]:
                    uuids = [s.uuid for s in store.species.all(args.print_lang)]
                else:
                    uuids = []
                    for slug in args.species:
                        if (uuid := store.species.uuid_for(slug)) is None:
                            raise CliError(_("no species with id {id!r}").format(id=slug))
                        uuids.append(uuid)
                print_pdf.sheets(store, uuids, args.print_lang, args.print_lang2, out)
                print(ngettext("Wrote {n} ID sheet to {file}.", "Wrote {n} ID sheets to {file}.",
                               len(uuids)).format(n=len(uuids), file=out))
            else:
                print_pdf.poster(store, args.kind, args.size, args.print_lang,
                                 args.print_lang2, out)
                print(_("Wrote the {kind} poster ({size}) to {file}.").format(
                    kind=args.kind, size=args.size, file=out))
        except print_pdf.PrintError as exc:
            raise CliError(str(exc)) from exc
        except OSError as exc:
            raise CliError(_("{path}: cannot write ({reason})").format(
                path=out, reason=exc.strerror or exc)) from exc
    return EXIT_OK


def cmd_certificates(data: Path, args: argparse.Namespace) -> int:
    from idtrainer.core.certificates import CertificateError

    _require_text(args, "name", "course", "class_name", "quiz_title", "serial", "reason")

    if args.cert_command == "verify":  # anyone may check a certificate
        with _open(data) as store:
            verdict = store.certificates.verify(args.payload)
        print(_(VERDICTS[verdict.status]))
        for key, value in verdict.details.items():
            print(f"  {key}: {value}")
        return EXIT_OK if verdict.ok else EXIT_PROBLEM
    with _trainer_store(data, args) as store:
        manager = store.certificates
        try:
            if args.cert_command == "revoke":
                cert = manager.revoke(args.serial, args.reason)
                print(_("Revoked {serial}.").format(serial=cert.serial))
                return EXIT_OK
            out = Path(args.out)
            # Everything that can be checked is checked before anything is written.
            manager.check_target(out)
            if args.cert_command == "issue":
                manager.check_texts(args.name, args.course)
            template = manager.template()
            if args.cert_command == "issue":
                def make() -> list:
                    return [manager.issue(args.name, args.course, args.cert_lang,
                                          score=args.score)]
                nothing = ""
            elif args.cert_command == "reprint":
                def make() -> list:
                    return [manager.reprint(args.serial)]
                nothing = ""
            elif args.quiz_title:
                quiz = _quiz_named(store, args.quiz_title)
                lang = args.cert_lang or template.languages[0]

                def make() -> list:
                    return manager.for_quiz(quiz, lang, args.course)
                nothing = _("nobody has passed {quiz} yet").format(quiz=args.quiz_title)
            else:
                klass = store.classes.by_name(args.class_name)
                if klass is None:
                    raise CliError(_("no class named {name}").format(name=args.class_name))
                lang = args.cert_lang or template.languages[0]
                course = args.course or template.course_title or _course_title(store, lang)
                manager.check_texts("-", course)

                def make() -> list:
                    return manager.for_class(klass.uuid, course, lang)
                nothing = _("the class {name} has no trainees").format(name=klass.name)
            # Recorded only if the PDF is written: one transaction.
            certs = manager.write_pdf(make, out)
            if not certs:
                raise CliError(nothing)
        except CertificateError as exc:
            raise CliError(str(exc)) from exc
    for cert in certs:
        print(cert.serial)
    print(ngettext("{n} certificate written to {path}", "{n} certificates written to {path}",
                   len(certs)).format(n=len(certs), path=args.out))
    return EXIT_OK


def _quiz_named(store, title: str) -> str:
    uuid = store.quizzes.uuid_titled(title)
    if uuid is not None:
        return uuid
    raise CliError(_("no quiz titled {title}").format(title=title))


def _course_title(store, lang: str) -> str:
    courses = store.lessons.courses(lang)
    return courses[0].title.value if courses and courses[0].title else "IDTrainer"


def cmd_results(data: Path, args: argparse.Namespace) -> int:
    out = Path(args.out)
    with _trainer_store(data, args) as store:
        try:
            count = store.attempts.export_csv(out)
        except OSError as exc:
            raise CliError(f"{out}: {exc.strerror or exc}") from exc
    print(ngettext("{n} attempt written to {path}", "{n} attempts written to {path}",
                   count).format(n=count, path=out))
    return EXIT_OK


def cmd_classes(data: Path, args: argparse.Namespace) -> int:
    with _trainer_store(data, args) as store:
        if args.class_command == "create":
            if store.classes.by_name(args.name):
                raise CliError(_("a class named {name} exists already").format(name=args.name))
            store.classes.create(args.name)
            print(_("Class {name} created.").format(name=args.name))
        elif args.class_command == "add":
            klass = store.classes.by_name(args.name)
            if klass is None:
                raise CliError(_("no class named {name}").format(name=args.name))
            for name in args.trainees:
                store.classes.add_member(klass.uuid, store.trainees.find_or_create(name))
            print(ngettext("{n} trainee in {name}", "{n} trainees in {name}",
                           len(store.classes.members(klass.uuid))).format(
                n=len(store.classes.members(klass.uuid)), name=klass.name))
        else:
            for klass in store.classes.all():
                members = store.classes.members(klass.uuid)
                print(f"{klass.name}: " + ", ".join(p.name for p in members))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())


# -- bundles and keys ------------------------------------------------------------------


def _normal_fingerprint(text: str) -> str:
    return "".join(text.split()).upper()


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(question + " [y/N] ")
    return answer.strip().casefold() in {"y", "yes", _("y").casefold(), _("yes").casefold()}


def _passphrase(prompt: str) -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")  # scripts pipe it in


def _needs_trainer(args: argparse.Namespace) -> bool:
    """Bundle commands that use trainer powers: content out, results in."""
    if args.bundle_command == "export":
        return args.kind == "content"
    if args.bundle_command != "import":
        return False
    from idtrainer.core import bundles

    for file in args.files:
        try:
            with bundles.BundleReader.open(Path(file)) as reader:
                if reader.manifest.kind == "results":
                    return True
        except bundles.BundleError:
            continue  # reported with the others by the import itself
    return False


def cmd_bundle(data: Path, args: argparse.Namespace) -> int:
    from contextlib import nullcontext

    from idtrainer.core import bundles

    _require_text(args, "module", "quiz", "title", "trust_fingerprint")

    with (_trainer_store(data, args) if _needs_trainer(args) else nullcontext(
            _open(data))) as opened, opened as store:
        if args.bundle_command == "export":
            return _bundle_export(store, args)
        if args.bundle_command == "inspect":
            try:
                found = bundles.inspect_bundle(store, Path(args.file))
            except bundles.BundleError as exc:
                raise CliError(str(exc)) from exc
            m = found.manifest
            print(_("Bundle {id} ({kind}), made {at}").format(
                id=m.bundle_id, kind=m.kind, at=m.created_at))
            if m.title:
                print("  " + m.title)
            print(_("  from device {name} ({device})").format(name=m.producer_name,
                                                              device=m.producer_device))
            print(_("  signed by key {key}, fingerprint {fingerprint}").format(
                key=m.signer_key_id, fingerprint=m.fingerprint))
            for table, n in m.counts.items():
                print(f"    {bundles.table_label(table)}: {n}")
            media = [n for n in m.entries if n.startswith("media/")]
            print("    " + ngettext("{n} picture file", "{n} picture files", len(media)).format(
                n=len(media)))
            if found.already_imported:
                print(_("  already imported here"))
            if found.problem:
                print(_("NOT ACCEPTED: {reason}").format(reason=found.problem))
                return EXIT_PROBLEM
            print(_("OK: the signature and every hash and row check out."))
            return EXIT_OK
        wanted = _normal_fingerprint(args.trust_fingerprint or "")
        device = _normal_fingerprint(args.trust_device or "")

        def trust(manifest) -> bool:
            if manifest.kind == "results":
                if device:
                    return len(device) >= 16 and \
                        _normal_fingerprint(manifest.fingerprint).startswith(device)
                return _ask(_("This results bundle comes from a laptop this laptop has not "
                              "pinned yet:\n  {name}, fingerprint {fingerprint}\nCompare the "
                              "fingerprint with the one the laptop shows (USB sync). Accept "
                              "results from this laptop?").format(
                    name=manifest.producer_name, fingerprint=manifest.fingerprint))
            if wanted:
                return len(wanted) >= 16 and \
                    _normal_fingerprint(manifest.fingerprint).startswith(wanted)
            return _ask(_("This bundle is signed by a publisher key this laptop does not "
                          "trust yet:\n  {name}, fingerprint {fingerprint}\nCompare the "
                          "fingerprint with the trainer's. Trust this key?").format(
                name=manifest.producer_name, fingerprint=manifest.fingerprint))

        outcomes = bundles.import_many(store, [Path(f) for f in args.files], trust=trust)
        for outcome in outcomes:
            if outcome.summary is not None:
                for line in bundles.describe(outcome.summary):
                    print(line)
                continue
            print(_("REJECTED {message}").format(message=outcome.error), file=sys.stderr)
            if outcome.untrusted and outcome.kind == "results":
                print(_("  To accept it, compare the fingerprint with the laptop's and run: "
                        "idtrainer bundle import --trust-device FINGERPRINT {file}").format(
                    file=outcome.file), file=sys.stderr)
            elif outcome.untrusted:
                print(_("  To trust it, compare the fingerprint with the trainer's and run: "
                        "idtrainer keys trust {file}").format(file=outcome.file),
                      file=sys.stderr)
        if len(outcomes) > 1:  # several laptops at once: the whole stick in one sentence
            print(bundles.human_summary(outcomes))
        rejected = sum(1 for o in outcomes if o.error)
        if rejected and len(outcomes) > 1:  # one file: its REJECTED line says it all
            print(ngettext("{n} file was rejected; the database is as it was before it.",
                           "{n} files were rejected; the database is as it was before them.",
                           rejected).format(n=rejected), file=sys.stderr)
        return EXIT_PROBLEM if rejected else EXIT_OK


def _bundle_export(store, args: argparse.Namespace) -> int:
    from idtrainer.core import bundles

    modules = []
    for ident in args.module:
        uuid = store.lessons.module_uuid(ident)
        if uuid is None:
            raise CliError(_("no module with the id {id}").format(id=ident))
        modules.append(uuid)
    quizzes = [_quiz_named(store, title) for title in args.quiz]
    if args.kind == "content" and store.keys.publisher() is None:
        raise CliError(_("this laptop has no publisher key: set up trainer mode with "
                         "idtrainer trainer setup, or import the trainer's key with: "
                         "idtrainer keys import FILE"))
    try:
        result = bundles.export_bundle(store, args.kind, Path(args.out), modules=modules,
                                       quizzes=quizzes, title=args.title)
    except bundles.BundleError as exc:
        raise CliError(str(exc)) from exc
    rows = sum(result.manifest.counts.values())
    print(_("{path}: {rows} rows, {size} MB, signed by key {fingerprint}").format(
        path=result.path, rows=rows, size=round(result.bytes / 2**20, 1),
        fingerprint=result.manifest.fingerprint))
    return EXIT_OK


def cmd_keys(data: Path, args: argparse.Namespace) -> int:
    from contextlib import nullcontext

    from idtrainer.core import bundles
    from idtrainer.core.keys import (
        KeyFileError,
        PublisherLocked,
        fingerprint,
        read_public_key_file,
    )

    trainer = args.keys_command in ("import", "trust") or (
        args.keys_command == "export" and args.private)
    with (_trainer_store(data, args) if trainer else nullcontext(_open(data))) as opened, \
            opened as store:
        keys = store.keys
        try:
            if args.keys_command == "list":
                print(_("Keys of this laptop:"))
                for own in keys.own_keys():
                    kind = _("publisher") if own.kind == "publisher" else _("device")
                    print(f"  {kind:10} {own.key_id}  {fingerprint(own.public_key)}")
                print(_("Trusted keys:"))
                for key in keys.trusted_keys():
                    print(f"  {key.key_id}  {fingerprint(key.public_key)}  {key.name}")
                return EXIT_OK
            if args.keys_command == "export":
                out = Path(args.out)
                if args.private:
                    first = _passphrase(_("Passphrase for the key file: "))
                    if sys.stdin.isatty() and _passphrase(_("The same again: ")) != first:
                        raise CliError(_("the passphrases differ"))
                    kid = keys.export_publisher(out, first)
                    print(_("Publisher key {key} written to {path}. Keep the file and its "
                            "passphrase apart.").format(key=kid, path=out))
                else:
                    kid = keys.export_public(out, "publisher", bundles.default_device_name(
                        store))
                    print(_("Public key {key} written to {path}; fingerprint {fingerprint}")
                          .format(key=kid, path=out,
                                  fingerprint=fingerprint(keys.public_of(kid))))
                return EXIT_OK
            if args.keys_command == "import":
                kid = keys.import_publisher(Path(args.file),
                                            _passphrase(_("Passphrase of the key file: ")))
                print(_("Publisher key {key} imported; it signs from now on.").format(key=kid))
                return EXIT_OK
            path = Path(args.file)
            if path.suffix == bundles.SUFFIX:
                with bundles.BundleReader.open(path) as reader:
                    reader.require_signature()
                    m = reader.manifest
                    name, public = m.producer_name, m.signer_public_key
                if m.kind == "results":  # pin the laptop that signed it
                    print(_("Laptop {name}, device key fingerprint {fingerprint}").format(
                        name=name, fingerprint=fingerprint(public)))
                    if not args.yes and not _ask(_("Is this the fingerprint the laptop "
                                                   "shows?")):
                        print(_("Not pinned."))
                        return EXIT_PROBLEM
                    bundles.pin_device(store, m)
                    print(_("Laptop {name} pinned to key {key}.").format(
                        name=name, key=m.signer_key_id))
                    return EXIT_OK
            else:
                _kind, name, public = read_public_key_file(path)
            print(_("Key of {name}, fingerprint {fingerprint}").format(
                name=name, fingerprint=fingerprint(public)))
            if not args.yes and not _ask(_("Is this the fingerprint the trainer gave you?")):
                print(_("Not trusted."))
                return EXIT_PROBLEM
            kid = keys.trust(public, "publisher", name)
            print(_("Trusted key {key}.").format(key=kid))
            return EXIT_OK
        except (KeyFileError, PublisherLocked, bundles.BundleError) as exc:
            raise CliError(str(exc)) from exc


# -- rosters and reports: the trainer's commands, kept together (see issue 14) -----------


def add_trainer_commands(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help=_("officers' rosters from CSV or XLSX"))
    roster_sub = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    r_import = roster_sub.add_parser("import", help=_("add the officers in a CSV or XLSX "
                                                       "file to a class"))
    r_import.add_argument("class_name", metavar="CLASS")
    r_import.add_argument("file", metavar="FILE")
    r_import.add_argument("--encoding", choices=["utf-8", "utf-8-sig", "cp1251"],
                          help=_("the CSV file's encoding (default: detected)"))
    r_import.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                          help=_("which column holds a field: name, gender, agency, "
                                 "subdivision, region, position, contact"))
    _password_option(r_import)

    report = sub.add_parser("report", help=_("event, question and programme reports"))
    report_sub = report.add_subparsers(dest="report_command", metavar="KIND", required=True)
    r_event = report_sub.add_parser("event", help=_("one training event: officers, scores, "
                                                    "gain, questions, confusions"))
    r_event.add_argument("name", metavar="NAME")
    r_event.add_argument("--format", choices=["pdf", "xlsx", "csv"], required=True)
    r_event.add_argument("--out", metavar="FILE", required=True)
    _password_option(r_event)
    r_items = report_sub.add_parser("items", help=_("item analysis of one quiz"))
    r_items.add_argument("quiz", metavar="QUIZ", help=_("the quiz title"))
    r_items.add_argument("--format", choices=["csv", "xlsx"], required=True)
    r_items.add_argument("--out", metavar="FILE", required=True)
    _password_option(r_items)
    r_prog = report_sub.add_parser("programme", help=_("people trained and results over "
                                                       "a period, for donors"))
    r_prog.add_argument("--from", dest="since", metavar="DATE", required=True)
    r_prog.add_argument("--to", dest="until", metavar="DATE", required=True)
    r_prog.add_argument("--format", choices=["pdf", "xlsx"], required=True)
    r_prog.add_argument("--out", metavar="FILE", required=True)
    _password_option(r_prog)


def cmd_roster(data: Path, args: argparse.Namespace) -> int:
    from idtrainer.core.rosters import RosterError, import_roster, parse_mapping, read_roster

    with _trainer_store(data, args) as store:
        klass = store.classes.by_name(args.class_name)
        if klass is None:
            raise CliError(_("no class named {name}").format(name=args.class_name))
        try:
            table = read_roster(Path(args.file), args.encoding)
            result = import_roster(store, klass.uuid, table, parse_mapping(args.map))
        except RosterError as exc:
            raise CliError(str(exc)) from exc
    print(_("{added} added, {updated} updated, {unchanged} unchanged; {n} in {name}").format(
        added=result.added, updated=result.updated, unchanged=result.unchanged,
        n=len(result.trainees), name=klass.name))
    return EXIT_OK


def cmd_report(data: Path, args: argparse.Namespace) -> int:
    from idtrainer.core import reports
    from idtrainer.core.item_analysis import analyse

    lang = i18n.current_language()
    out = Path(args.out)
    with _trainer_store(data, args) as store:
        try:
            if args.report_command == "event":
                event = store.events.by_name(args.name)
                if event is None:
                    raise CliError(_("no event named {name}").format(name=args.name))
                report = reports.event_report(store, event.uuid, lang)
                reports.write_event_report(report, args.format, out)
            elif args.report_command == "items":
                items = analyse(store, _quiz_named(store, args.quiz), locale=lang)
                reports.write_item_report(items, args.format, out)
            else:
                programme = reports.programme_report(store, args.since, args.until)
                reports.write_programme_report(programme, args.format, out)
        except reports.ReportError as exc:
            raise CliError(str(exc)) from exc
        except OSError as exc:
            raise CliError(f"{out}: {exc.strerror or exc}") from exc
    print(_("Report written to {path}").format(path=out))
    return EXIT_OK


TRAINER_COMMANDS = {"roster": cmd_roster, "report": cmd_report}
