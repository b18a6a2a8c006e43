"""The ``chiplib`` command: check the data and inspect it from a shell.

    chiplib validate            exit 0 when the data is clean, 1 with every problem listed
    chiplib chips               chips and how many sourced / contested metrics each has
    chiplib claims              every claim's verdict, claimant origin and the independent evidence behind it
    chiplib export-controls     TPP, performance density and classification under a rule version
    chiplib build               render the reports in notebooks/reports.yaml (locally or on Dask)
    chiplib sweep               the production model over a grid of inputs, to one Parquet table
    chiplib release             write the versioned data and reports archive to dist/
    chiplib --version
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chiplib import __version__


def _load(args: argparse.Namespace):
    from chiplib import data

    return data.load()


def cmd_validate(args: argparse.Namespace) -> int:
    from chiplib.data import data_dir
    from chiplib.data.validate import check

    directory = data_dir()
    if not directory.is_dir():
        print(f"error: data directory {directory} does not exist", file=sys.stderr)
        return 1
    raw = check(directory, remember=False)  # asked for explicitly: every check, every time
    if raw.issues:
        print(f"{len(raw.issues)} problem(s) in {directory}:", file=sys.stderr)
        for issue in sorted(raw.issues):
            print(f"  {issue}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in raw.frames.items())
    print(f"data OK: {counts} ({directory})")
    return 0


def cmd_chips(args: argparse.Namespace) -> int:
    from chiplib.data import coverage

    dataset = _load(args)
    table = coverage(dataset).reset_index()
    if args.country:
        countries = {c.upper() for c in args.country}
        known = sorted(set(dataset.chips["country"]))
        unknown = sorted(countries - set(known))
        if unknown:
            print(f"error: no chips from {', '.join(unknown)}; valid countries: {', '.join(known)}", file=sys.stderr)
            return 2
        table = table[table["chip_id"].map(dataset.chips["country"]).isin(countries)]
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
    elif args.format == "markdown":
        from chiplib.present.safe import markdown_table

        print(markdown_table(table))
    else:
        print(table.to_string(index=False))
        print(f"\n{len(table)} chips; {int(table['metrics'].sum())} chip-metric figures sourced, "
              f"{int(table['contested'].sum())} contested; 'origins' counts independent originators "
              "(pages relaying one party count once)")
    return 0


def cmd_claims(args: argparse.Namespace) -> int:
    from chiplib.models import claims

    table = claims.ledger(_load(args))
    table = table.rename(columns={"origin": "claimant_origin"})
    table["computed"] = table["computed"].map(lambda v: v if isinstance(v, str) else ("" if v != v else f"{v:.6g}"))
    for column in ("evidence_origins", "evidence_sources"):
        table[column] = table[column].map(" ".join)
    table = table[["claim_id", "verdict", "computed", "claimant_origin", "evidence_origins", "evidence_sources"]]
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
    else:
        print(table.to_string(index=False))
        counts = ", ".join(f"{n} {name}" for name, n in claims.verdict_counts(table).items())
        print(f"\n{len(table)} claims: {counts}")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from chiplib.build.release import ReleaseError, release

    try:
        target = release(Path(args.out), Path(args.reports), Path(args.data_dir) if args.data_dir else None)
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {target} and {target.name}.sha256")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from chiplib.build import noop
    from chiplib.core.locations import PLAN, REPORTS, data_dir

    options = {"plan": Path(args.plan).resolve()} if args.plan else {}
    if args.out:
        options["out"] = Path(args.out).resolve()
    if not (args.only or args.param or args.force):  # answered before pandas is imported
        out = options.get("out", REPORTS)
        unchanged = noop.up_to_date(options.get("plan", PLAN), data_dir(), out)
        if unchanged is not None:
            print(f"nothing changed: {unchanged} reports up to date -> {out / 'index.html'}")
            return 0
    from chiplib.build import BuildError, BuildInterrupted, PlanError, build, parse_overrides
    from chiplib.build.executors import ExecutorError, executor

    try:
        with executor(args.executor, args.scheduler, args.jobs) as pool:
            return build(only=args.only, jobs=args.jobs, overrides=parse_overrides(args.param or []), force=args.force,
                         progress=not args.quiet, cell_timeout=args.cell_timeout, executor=pool, **options)
    except (PlanError, ExecutorError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BuildInterrupted as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 130


def cmd_export_controls(args: argparse.Namespace) -> int:
    from chiplib import data
    from chiplib.models import export_controls as ec

    ds = _load(args)
    try:
        rule = ec.rule(args.rule, ds) if args.rule else ec.rule_in_force(args.date or data.as_of(ds), ds)
    except ec.RuleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table = ec.classify_all(rule.rule_id, ds).reset_index()
    table = table[["chip_id", "tpp", "tpp_basis", "pd", "pd_basis", "result", "reason"]].rename(
        columns={"pd": "performance_density"})
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
    else:
        print(f"{rule.name} ({rule.rule_id}, effective {rule.effective})")
        print(table.round({"tpp": 0, "performance_density": 2}).to_string(index=False))
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _iso_date(text: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


class _Version(argparse.Action):
    """``--version``: the code version and the data version with its as-of date (of ``--data-dir`` when given
    before it, else ``$CHIPLIB_DATA`` or the repository's data)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from chiplib.data.tables import data_dir, version

        folder = Path(namespace.data_dir).resolve() if getattr(namespace, "data_dir", None) else data_dir()
        number, as_of = version(folder)
        print(f"chiplib {__version__}; data {number} (as of {as_of or 'unknown'})")
        parser.exit()


def _executor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--executor", choices=("local", "dask"), default="local",
                        help="local worker processes (default) or a Dask cluster")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="Dask scheduler to join, e.g. tcp://10.0.0.5:8786 (default: start a local cluster)")


def cmd_sweep(args: argparse.Namespace) -> int:
    from concurrent.futures import ProcessPoolExecutor

    from chiplib.build.executors import ExecutorError, executor
    from chiplib.models import fab, sweep

    try:
        with executor(args.executor, args.scheduler, args.jobs) as pool:
            if pool is None and (args.jobs or 2) > 1:
                with ProcessPoolExecutor(max_workers=args.jobs) as local:
                    table = sweep.sweep(args.scenario, args.year, args.steps, args.samples, args.seed, local)
            else:
                table = sweep.sweep(args.scenario, args.year, args.steps, args.samples, args.seed, pool)
    except (ExecutorError, fab.FabModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    table.to_parquet(args.out, index=False)
    print(f"wrote {len(table)} grid points ({args.scenario}, {args.year}) to {args.out}; "
          f"sources: {', '.join(table.attrs['sources'])}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chiplib", description="Sourced data and models on China's AI accelerators.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the code and data versions and exit")
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help="data directory (default: $CHIPLIB_DATA or the repository's data/)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate", help="check every table; list each problem with file, line, column and reason",
        description="Check every table in the data directory. Exit 0 when clean, 1 with the list of problems.")
    validate.set_defaults(func=cmd_validate)

    chips = commands.add_parser(
        "chips", help="list chips with how many metrics are sourced and contested",
        description="List every chip with the number of metrics sourced, contested (sources disagree) "
                    "and distinct sources cited.")
    chips.add_argument("--format", choices=("table", "csv", "markdown"), default="table", help="output format")
    chips.add_argument("--country", action="append", metavar="CC", help="only chips from this country (repeatable)")
    chips.set_defaults(func=cmd_chips)

    claims = commands.add_parser(
        "claims", help="every claim's verdict on independent evidence",
        description="Test every claim in data/claims.csv without its claimant's own figures; print claim_id, verdict, "
                    "computed value, claimant origin, evidence origins and evidence sources.")
    claims.add_argument("--format", choices=("table", "csv"), default="table", help="output format")
    claims.set_defaults(func=cmd_claims)

    export = commands.add_parser(
        "export-controls", help="TPP, performance density and classification of every chip under a rule version",
        description="Classify every chip under one version of the US export rules (data/export_rules.yaml).")
    export.add_argument("--rule", default=None, help="rule id, e.g. oct2023 (default: the rule in force on --date)")
    export.add_argument("--date", default=None, metavar="YYYY-MM-DD", type=_iso_date,
                        help="pick the rule in force on this date (default: the data's as-of date, the newest source access date)")
    export.add_argument("--format", choices=("table", "csv"), default="table", help="output format")
    export.set_defaults(func=cmd_export_controls)

    release = commands.add_parser(
        "release", help="write the versioned, reproducible data and reports archive",
        description="Write dist/chiplib-data-<version>.tar.gz (data, datapackage, licence, change log, built reports, "
                    "figures.csv) and its SHA-256 manifest; the same files always give the same bytes.")
    release.add_argument("--out", metavar="DIR", default="dist", help="output folder (default: dist/)")
    release.add_argument("--reports", metavar="DIR", default="reports", help="built reports (default: reports/)")
    release.set_defaults(func=cmd_release)

    build = commands.add_parser(
        "build", help="render the reports listed in notebooks/reports.yaml into reports/",
        description="Validate the data, then render every report variant in notebooks/reports.yaml.")
    build.add_argument("--only", action="append", metavar="NAME",
                       help="build only this report or report/variant (repeatable)")
    build.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                       help="worker processes, 1 or more (default: one per core)")
    build.add_argument("--cell-timeout", type=_positive_int, default=600, metavar="SECONDS",
                       help="fail a run when one cell takes longer than this (default: 600)")
    build.add_argument("-p", "--param", action="append", metavar="KEY=VALUE",
                       help="override a parameter in every selected variant (value read as YAML: 8, true, fp8)")
    build.add_argument("--force", action="store_true", help="rebuild even when the inputs did not change")
    build.add_argument("--plan", metavar="FILE", default=None, help="build plan (default: notebooks/reports.yaml)")
    build.add_argument("--out", metavar="DIR", default=None, help="reports folder (default: reports/)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    _executor_options(build)
    build.set_defaults(func=cmd_build)

    sweep = commands.add_parser(
        "sweep", help="the production model over a grid of SMIC capacity x die yield x HBM stacks, to Parquet",
        description="Evaluate one year's 910C-class output (Monte Carlo over the scenario's other inputs) at every "
                    "point of a grid over the scenario's published ranges, and write one Parquet table.")
    sweep.add_argument("--scenario", default="base", help="production scenario in data/fab_scenarios.yaml (default: base)")
    sweep.add_argument("--year", type=int, default=2025, help="year whose published ranges are used (default: 2025)")
    sweep.add_argument("--steps", type=_positive_int, default=5, help="values per grid input (default: 5)")
    sweep.add_argument("--samples", type=_positive_int, default=2000, help="Monte Carlo draws per point (default: 2000)")
    sweep.add_argument("--seed", type=int, default=2025, help="base random seed (default: 2025)")
    sweep.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                       help="worker processes (default: one per core)")
    sweep.add_argument("--out", metavar="FILE", default="sweep.parquet", help="output table (default: sweep.parquet)")
    _executor_options(sweep)
    sweep.set_defaults(func=cmd_sweep)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; every fault ends in a message on stderr and a non-zero exit, never a traceback
    (1: the data or a run failed, or a file could not be written; 2: a bad option or name; 130: interrupted)."""
    import os

    args = build_parser().parse_args(argv)
    previous = os.environ.get("CHIPLIB_DATA")
    if args.data_dir:  # every command, and every kernel a build starts, reads this directory
        os.environ["CHIPLIB_DATA"] = str(Path(args.data_dir).resolve())
    try:
        return _dispatch(args)
    finally:
        if previous is None:
            os.environ.pop("CHIPLIB_DATA", None)
        else:
            os.environ["CHIPLIB_DATA"] = previous


def _dispatch(args: argparse.Namespace) -> int:
    if args.data_dir and not Path(args.data_dir).is_dir():
        print(f"error: data directory {args.data_dir} does not exist", file=sys.stderr)
        return 1
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a file that cannot be read or written: one line, never a traceback
        print(f"error: {exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        data = sys.modules.get("chiplib.data")  # never imported: the error cannot be the data's
        if data is not None and isinstance(exc, data.DataValidationError):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise


def entry() -> None:
    """The ``chiplib`` command. After an interrupt (exit 130), once the build has cleaned up, the process
    ends at once rather than waiting on the stopped worker pool's bookkeeping threads."""
    import os

    code = main()
    runner = sys.modules.get("chiplib.build.runner")
    if runner is not None and code != 130:  # a build's workers: stopped now rather than at interpreter exit
        runner.shutdown()
    if code == 130:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(code)


if __name__ == "__main__":
    entry()
