"""Run every check in the order that costs least; return the issues in the registry's order.

A package of a million figures has hundreds of megabytes of tables and 100,000 raw texts,
so the order matters for time and memory:

1. each table is read (:func:`~._load.load`) and at once gets the checks that read every
   column: its structural checks (:func:`~._structural.check_table`), the text rules and
   the review status (:data:`~._checks.TABLE_CHECKS`). Then a big table keeps only the
   columns the other rules and the foreign keys read (:data:`~._checks.RULE_COLUMNS`), so
   that the tables are never all in memory whole;
2. once the articles are read, their raw texts are read in a background thread
   (:func:`~._checks.start_raw_texts`), which mostly waits on the file system while polars
   reads the big tables;
3. then the foreign keys, and the other rules of :data:`~._checks.CHECKS`: the first
   :data:`~._checks.READ_FIRST` of them one after the other (they read the raw texts), the
   rest side by side in threads, one a core (they only read what is loaded).

The issues come out in the order the checks would give them run one after the other on
whole tables (structure, then :data:`~._checks.CHECKS`); a test compares both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from szdata._validate import _checks, _structural
from szdata._validate._integrity import check_integrity
from szdata._validate._load import Context, load

if TYPE_CHECKING:
    from szdata._disk._package import Package
    from szdata._validate._report import Issue


def run_checks(
    package: Package, step: Callable[[str], None], focus: frozenset[str] | None = None
) -> tuple[Context, list[Issue]]:
    """Read ``package`` and run every check; ``step`` is told the name of each step.

    ``focus``: check the rows of these articles only (:func:`~._load.narrow`).

    Raises
    ------
    PackageError
        When a table or a raw text cannot be read (the background reading is stopped).
    """
    structure: list[Issue] = []
    found: dict[Callable[[Context], list[Issue]], list[Issue]] = {
        check: [] for check in _checks.TABLE_CHECKS
    }

    def loaded(ctx: Context, name: str) -> None:
        table = ctx.tables[name]
        structure.extend(_structural.check_table(table))
        for check, on_table in _checks.TABLE_CHECKS.items():
            found[check].extend(on_table(table))
        if name in _checks.RULE_COLUMNS:
            keys = sorted(_structural.key_columns(ctx, name))
            ctx.keep_columns(name, [*_checks.RULE_COLUMNS[name], *keys])
        if name == "articles":
            _checks.start_raw_texts(ctx)

    step("reading the tables")
    ctx = load(package, loaded, focus)
    try:
        step("checking the foreign keys")
        issues = [*ctx.issues, *structure, *_structural.check_all_foreign_keys(ctx)]
        for check in _checks.CHECKS[: _checks.READ_FIRST]:
            if check not in found:
                step(_step_name(check))
                found[check] = check(ctx)
        _run_side_by_side(
            [c for c in _checks.CHECKS[_checks.READ_FIRST :] if c not in found], ctx, step, found
        )
        for check in _checks.CHECKS:
            issues.extend(found[check])
        step("file sizes and hashes")
        issues.extend(check_integrity(ctx))
    finally:
        ctx.close()
    return ctx, issues


MAX_CHECK_THREADS = 4
"""At most this many checks at once, however many cores: each holds its intermediate frames
(at 1,000,000 figures, hundreds of megabytes), and polars spreads each query over the
cores already."""


def _step_name(check: Callable[[Context], list[Issue]]) -> str:
    return check.__name__.removeprefix("check_").replace("_", " ")


def _run_side_by_side(
    checks: list[Callable[[Context], list[Issue]]],
    ctx: Context,
    step: Callable[[str], None],
    found: dict[Callable[[Context], list[Issue]], list[Issue]],
) -> None:
    """Run ``checks`` (which only read ``ctx``) in threads, one a core; their issues into
    ``found``.

    Much of a check's time is polars' (which releases the GIL): on 2 cores the checks of
    100,000 figures took 0.33-0.39 s one after the other, 0.27-0.33 s side by side.
    What they report is the same: each check's issues are kept apart and put in the
    registry's order. The first check, in that order, that raises is the error raised (the
    checks not yet started are not run); ``step`` is told each check's name in order.
    """
    workers = min(_cores(), MAX_CHECK_THREADS)
    if workers < 2 or len(checks) < 2:
        for check in checks:
            step(_step_name(check))
            found[check] = check(ctx)
        return
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="szdata-check")
    wait = True
    try:
        running = [(check, pool.submit(check, ctx)) for check in checks]
        for check, future in running:
            step(_step_name(check))
            found[check] = future.result()
    except KeyboardInterrupt:  # no waiting for the checks running: the user is waiting
        wait = False
        raise
    finally:
        pool.shutdown(wait=wait, cancel_futures=True)


def _cores() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
