"""Who to call: experts and authorities per country and per group of species.

Rows live in the ``experts`` content table, so a trainer's directory travels in content
bundles. The starter data (``assets/experts.toml``) holds only the national CITES
management and scientific authority *roles* for KZ, KG, TJ and UZ, with every contact
field empty: the app shows "to fill in" rather than a number nobody checked. A trainer
fills them in (GUI) or imports a CSV file (:meth:`ExpertManager.import_csv`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import N_
from idtrainer.core.i18n import gettext as _
from idtrainer.core.migrations import EXPERT_GROUPS, EXPERT_ROLES
from idtrainer.core.store import content_uuid, new_uuid

if TYPE_CHECKING:
    from idtrainer.core.content import Problem, _Writer
    from idtrainer.core.store import Store

COUNTRY_SETTING = "country"
COUNTRIES: tuple[str, ...] = ("KZ", "KG", "TJ", "UZ")
COUNTRY_NAMES = {"KZ": N_("Kazakhstan"), "KG": N_("Kyrgyzstan"), "TJ": N_("Tajikistan"),
                 "UZ": N_("Uzbekistan")}
ROLE_NAMES = {
    "management-authority": N_("CITES Management Authority"),
    "scientific-authority": N_("CITES Scientific Authority"),
    "enforcement": N_("Enforcement contact"),
    "expert": N_("Expert"),
}
GROUP_NAMES = {
    "all": N_("all groups"), "mammals": N_("mammals"), "birds": N_("birds"),
    "reptiles": N_("reptiles"), "fish-caviar": N_("fish and caviar"), "plants": N_("plants"),
    "timber": N_("timber"), "derivatives": N_("derivatives"),
}
#: The species' group (schema.TAXON_GROUPS) -> the directory's group.
FROM_TAXON_GROUP = {"mammals": "mammals", "birds": "birds", "reptiles": "reptiles",
                    "amphibians": "reptiles", "fish": "fish-caviar", "invertebrates": "all",
                    "plants": "plants"}
CSV_COLUMNS = ("country", "group", "role", "name", "organisation", "phone", "email",
               "languages")
FIELDS = ("name", "organisation", "phone", "email", "languages")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{5,25}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ExpertsError(IDTrainerError, ValueError):
    """An experts file that cannot be imported; names the row and column."""


@dataclass
class Expert:
    uuid: str
    country: str
    group: str
    role: str
    name: str
    organisation: str
    phone: str
    email: str
    languages: str

    def missing(self) -> list[str]:
        """Fields still to fill in (shown as "to fill in: phone")."""
        return [f for f in ("name", "organisation", "phone", "email") if not getattr(self, f)]


def validate(row: dict[str, str]) -> str | None:
    """Why a row is not a valid expert (one short reason naming the column), or None."""
    if row.get("country", "") not in COUNTRIES:
        return _("{column}: must be one of {values}").format(
            column="country", values=", ".join(COUNTRIES))
    if row.get("group", "") not in EXPERT_GROUPS:
        return _("{column}: must be one of {values}").format(
            column="group", values=", ".join(EXPERT_GROUPS))
    if row.get("role", "") not in EXPERT_ROLES:
        return _("{column}: must be one of {values}").format(
            column="role", values=", ".join(EXPERT_ROLES))
    if row.get("phone") and not _PHONE.match(row["phone"]):
        return _("{column}: not a phone number").format(column="phone")
    if row.get("email") and not _EMAIL.match(row["email"]):
        return _("{column}: not an e-mail address").format(column="email")
    return None


# -- the starter file --------------------------------------------------------------------

def read_starter(root: Path, problems: list[Problem]) -> list[dict[str, str]]:
    from idtrainer.core.content import _File

    path = root / "experts.toml"
    if not path.exists():
        return []
    f = _File(path, problems)
    data = f.load_toml() or {}
    out = []
    for i, entry in enumerate(f.table_list(data, "expert"), 1):
        row = {"id": f.ident(entry, "id", f"expert[{i}].id"),
               **{c: str(entry.get(c, "")).strip() for c in CSV_COLUMNS}}
        if (reason := validate(row)) is not None:
            f.problem(f"expert[{i}]", reason)
        out.append(row)
    return out


def load_starter(w: _Writer, rows: list[dict[str, str]]) -> None:
    for i, row in enumerate(rows, 1):
        w.put("experts", {"uuid": content_uuid("expert", row["id"]), "country": row["country"],
                          "taxon_group": row["group"], "role": row["role"],
                          **{f: row[f] for f in FIELDS}, "position": i})


# -- the manager -----------------------------------------------------------------------------

class ExpertManager:
    """``store.experts``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def country(self) -> str | None:
        value = self.store.get_setting(COUNTRY_SETTING)
        return value if value in COUNTRIES else None

    def set_country(self, country: str) -> None:
        if country not in COUNTRIES:
            raise ExpertsError(_("{column}: must be one of {values}").format(
                column="country", values=", ".join(COUNTRIES)))
        self.store.set_setting(COUNTRY_SETTING, country)

    def all(self, country: str | None = None, group: str | None = None) -> list[Expert]:
        """Experts of ``country`` (all when None) for ``group`` (its own and "all")."""
        sql = "SELECT * FROM experts WHERE deleted = 0"
        params: list[Any] = []
        if country:
            sql += " AND country = ?"
            params.append(country)
        if group and group != "all":
            sql += " AND taxon_group IN (?, 'all')"
            params.append(group)
        sql += " ORDER BY country, CASE taxon_group WHEN 'all' THEN 1 ELSE 0 END, position, name"
        return [self._expert(r) for r in self.store.query(sql, tuple(params))]

    def for_species(self, species_slug: str, country: str | None) -> list[Expert]:
        group = self.store.scalar("SELECT taxon_group FROM species WHERE slug = ?",
                                  (species_slug,))
        return self.all(country, FROM_TAXON_GROUP.get(group or "", "all"))

    def save(self, expert: Expert) -> str:
        row = {"country": expert.country, "group": expert.group, "role": expert.role,
               **{f: getattr(expert, f).strip() for f in FIELDS}}
        if (reason := validate(row)) is not None:
            raise ExpertsError(reason)
        uuid = expert.uuid or new_uuid()
        position = self.store.scalar("SELECT position FROM experts WHERE uuid = ?", (uuid,))
        if position is None:
            position = int(self.store.scalar("SELECT coalesce(max(position), 0) + 1 "
                                             "FROM experts") or 1)
        self.store.put("experts", {"uuid": uuid, "country": row["country"],
                                   "taxon_group": row["group"], "role": row["role"],
                                   **{f: row[f] for f in FIELDS}, "position": position})
        return uuid

    def delete(self, uuid: str) -> None:
        self.store.tombstone("experts", uuid)

    def import_csv(self, path: Path | str) -> int:
        """Add the experts of a CSV file (columns :data:`CSV_COLUMNS`, header first).

        Every row is checked before anything is written; the first bad row is refused
        with its number and column, and the directory stays as it was."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ExpertsError(_("{file}: cannot read it as UTF-8 text ({reason})").format(
                file=path.name, reason=exc)) from exc
        import csv
        import io

        reader = csv.DictReader(io.StringIO(text))
        header = reader.fieldnames or []
        missing = [c for c in ("country", "group", "role") if c not in header]
        if missing:
            raise ExpertsError(_("{file}: missing column(s) {columns}").format(
                file=path.name, columns=", ".join(missing)))
        rows = []
        for number, raw in enumerate(reader, 2):
            row = {c: (raw.get(c) or "").strip() for c in CSV_COLUMNS}
            reason = _("more values than columns") if None in raw else validate(row)
            if reason is not None:
                raise ExpertsError(_("{file}, row {row}: {reason}").format(
                    file=path.name, row=number, reason=reason))
            rows.append(row)
        with self.store.transaction():
            for row in rows:
                self.save(Expert("", row["country"], row["group"], row["role"],
                                 *(row[f] for f in FIELDS)))
        return len(rows)

    @staticmethod
    def _expert(r: dict[str, Any]) -> Expert:
        return Expert(r["uuid"], r["country"], r["taxon_group"], r["role"],
                      *(r[f] for f in FIELDS))
