"""The budgets table the bench scripts print at the end: one row per figure with a budget.

    from budgets import Budgets, print_budgets
    table = Budgets()
    table.at_most("gui_startup vs bare window", 1.31, 1.5)     # ratio, lower is better
    table.at_least("bundle import vs copy+sha256", 0.84, 0.8)  # ratio, higher is better
    table.print()

or ``print_budgets([(figure, value, budget, met), ...])`` with rows built by hand.
A figure is usually the ratio against a baseline measured in the same run (see
bench/README.md for why each baseline is the right one); the table prints it with two
decimals, and ``budget`` is the text of the limit ("<= 1.5x").
"""

from __future__ import annotations

Row = tuple[str, float, str, bool]


def print_budgets(rows: list[Row], title: str = "budgets") -> None:
    """Print ``(figure, value, budget, met)`` rows as an aligned table; nothing if empty."""
    if not rows:
        return
    width = max(len("figure"), *(len(r[0]) for r in rows))
    print(f"\n{title}:")
    print(f"{'figure':<{width}}  {'value':>9}  {'budget':<10}  met")
    for figure, value, budget, met in rows:
        print(f"{figure:<{width}}  {value:>9.2f}  {budget:<10}  {'yes' if met else 'NO'}")
    missed = sum(1 for r in rows if not r[3])
    print(f"{len(rows) - missed} of {len(rows)} budgets met", flush=True)


class Budgets:
    """Collects rows while the benches run; ``print()`` prints them in the order added."""

    def __init__(self) -> None:
        self.rows: list[Row] = []

    def at_most(self, figure: str, value: float, limit: float, unit: str = "x") -> bool:
        met = value <= limit
        self.rows.append((figure, value, f"<= {limit:g}{unit}", met))
        return met

    def at_least(self, figure: str, value: float, limit: float, unit: str = "x") -> bool:
        met = value >= limit
        self.rows.append((figure, value, f">= {limit:g}{unit}", met))
        return met

    def print(self, title: str = "budgets") -> None:
        print_budgets(self.rows, title)
