"""What each table in ``data/`` must look like: columns, allowed values, keys.

Per-table rules (required columns, non-empty cells, patterns, allowed values) are
pandera schemas over the raw text of each CSV; rules that span tables (foreign
keys, units, one preferred row) live in :mod:`chiplib.data.validate`. The data
dictionary in ``data/README.md`` describes the same columns for people.
"""

from __future__ import annotations

from dataclasses import dataclass

from chiplib.core.dates import is_full_date, is_partial_date, midpoint_date, parse_partial_date  # noqa: F401

SOURCE_KINDS = (
    "datasheet", "vendor", "government", "analysis", "news", "filing", "paper", "dataset", "documentation",
)
CHIP_STATUSES = ("shipping", "announced", "roadmap", "rumoured", "discontinued", "cancelled")
#: Status groups, the one vocabulary every model and report uses: parts that reached customers, parts a
#: vendor has announced or put on a roadmap, and those plus parts only rumoured.
SHIPPED = ("shipping", "discontinued")
ANNOUNCED = ("announced", "roadmap")
ROADMAP = (*ANNOUNCED, "rumoured")
MARKETS = ("datacenter", "consumer")
METRIC_KINDS = ("quantity", "text", "date")
#: Evidence grades (``basis``): the originator's own statement about a shipping product or a past fact;
#: a benchmark or teardown by someone other than the vendor; an analyst's or journalist's estimate; an
#: announced goal, roadmap figure or plan; a value computed by chiplib. ``data/README.md`` says how to choose.
BASES = ("reported", "measured", "estimate", "target", "derived")
#: Who originates a statement (``origins.csv``): the party whose statement, measurement or estimate a source carries.
ORIGIN_KINDS = ("vendor", "government", "analyst firm", "press", "researcher", "community", "measurement")
EVENT_KINDS = ("us-rule", "us-licence", "entity-list", "china-response", "product", "software", "other")
STACK_LAYERS = ("programming_model", "compiler", "math_libraries", "collective_library", "pytorch_integration",
                "inference_servers", "cuda_compatibility", "open_source")
STACK_STATUSES = ("available", "partial", "announced", "none")
CUDA_APPROACHES = ("own API", "API mimicry", "translation", "binary compatibility")
#: Tests the claims ledger may name (chiplib.models.claims.TESTS; a test keeps the two in step).
CLAIM_TESTS = ("chip_metric", "chip_ratio", "tpp", "tpp_ratio", "classification", "system_total", "system_ratio",
               "hbm_accelerators", "generations_behind", "release_cadence", "estimates", "event", "measured_ratio",
               "production", "untestable")
#: What a production claim may name (chiplib.models.production.COMPARABLE).
PRODUCTION_CLAIM_QUANTITIES = ("packages", "packages_910c", "packages_950", "smic_capacity", "dies_used")
MILESTONES = ("announced", "sampling", "mass_production", "planned_sampling", "planned_mass_production")
SYSTEM_STATUSES = ("shipping", "announced", "roadmap")
#: measurements.csv: tasks, precisions, and metrics with their canonical units (totals are over ``chips``).
MEASUREMENT_TASKS = ("training", "prefill", "decode", "inference", "kernel")
#: Task groups a report or claim may select.
MEASUREMENT_TASK_GROUPS = {"all": MEASUREMENT_TASKS, "training": ("training",),
                           "inference": ("prefill", "decode", "inference"), "kernel": ("kernel",)}
MEASUREMENT_PRECISIONS = ("fp32", "tf32", "fp16", "bf16", "fp8", "int8", "w8a8", "w4a16", "amp")
MEASUREMENT_METRICS = {"tokens_per_second": "token/s", "tokens_per_second_per_chip": "token/s",
                       "samples_per_second": "sample/s", "samples_per_second_per_chip": "sample/s",
                       "achieved_tflops": "TFLOPS", "mfu": "percent", "latency": "ms"}
#: Grades a measurement may carry: run by someone other than the vendor, the vendor's own benchmark, or a
#: party's estimate of what a run would give (from profile data or a simulation; ``note`` says whose).
MEASUREMENT_BASES = ("measured", "reported", "estimate")
#: deployments.csv: what a model run on Chinese accelerators did.
DEPLOYMENT_ROLES = ("pre-training", "post-training", "inference")
#: measures.csv: kinds of government measure on AI chips.
MEASURE_KINDS = ("ban", "pause", "approval", "procurement-list", "subsidy", "guidance", "investigation", "tariff")
#: hbm_supply.csv metrics and their canonical units.
SUPPLY_METRICS = {"stacks": "dimensionless", "wafers_per_month": "wafer/month", "share": "percent", "revenue": "USD"}
#: fab_estimates.csv metrics and their canonical units.
FAB_METRICS = {"wafers_per_month": "wafer/month", "yield": "percent", "dies": "dimensionless",
               "units": "dimensionless", "defect_density": "1/cm^2", "share": "percent"}
#: Estimate tables (subject, period, metric, value, low, high, unit, ...) and their metric vocabularies.
ESTIMATE_TABLES = {"hbm_supply": SUPPLY_METRICS, "fab_estimates": FAB_METRICS}
NODE_MILESTONES = ("risk_production", "volume_production", "first_product")
FACT_COLUMNS = ("metric", "value", "unit", "source_id", "basis", "preferred", "note")
MEASUREMENT_COLUMNS = ("chip_id", "workload", "task", "precision", "batch", "sequence", "software", "chips", "system",
                       "metric", "value", "unit", "source_id", "basis", "date", "note")
BOOLEANS = ("true", "false")

SLUG = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
METRIC_NAME = r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"
COUNTRY = r"^[A-Z]{2}$"
#: An http(s) URL of URI characters only (no spaces, quotes, angle brackets or backticks: it is shown as a link).
URL = r"^https?://[^\s/$.?#<>\"'`{}|\\^][^\s<>\"'`{}|\\^]*$"


@dataclass(frozen=True)
class TableSpec:
    """One CSV table: its file name, columns in order, and the columns that must be unique together."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("origins", ("origin_id", "name", "kind", "url"), ("origin_id",)),
        TableSpec("sources", ("source_id", "title", "publisher", "url", "published", "accessed", "kind", "origin",
                              "licence"),
                  ("source_id",)),
        TableSpec("chips", ("chip_id", "vendor", "name", "country", "status", "year", "variant_of", "market", "flagship",
                            "notes"),
                  ("chip_id",)),
        TableSpec("metrics", ("metric", "unit", "kind", "description"), ("metric",)),
        TableSpec("chip_specs", ("chip_id", *FACT_COLUMNS), ("chip_id", "metric", "source_id")),
        TableSpec("events", ("date", "kind", "title", "description", "source_id"), ("date", "title")),
        TableSpec("systems", ("system_id", "vendor", "name", "status", "year", "chip_id", "chip_count", "notes"),
                  ("system_id",)),
        TableSpec("system_specs", ("system_id", *FACT_COLUMNS), ("system_id", "metric", "source_id")),
        TableSpec("hbm_specs", ("generation", *FACT_COLUMNS), ("generation", "metric", "source_id")),
        TableSpec("hbm_milestones", ("supplier", "generation", "milestone", "date", "source_id", "basis", "note"),
                  ("supplier", "generation", "milestone", "source_id")),
        TableSpec("models", ("model_id", "name", "architecture", "attention", "total_params", "active_params", "layers",
                             "hidden_size", "attention_heads", "kv_heads", "kv_lora_rank", "rope_head_dim",
                             "params_source_id", "config_source_id", "note"), ("model_id",)),
        TableSpec("claims", ("claim_id", "claim", "claimant", "origin", "source_id", "date", "test", "subject", "subject_b", "metric",
                             "claimed", "low", "high", "unit", "tolerance", "note"), ("claim_id",)),
        *(TableSpec(name, ("subject", "period", "metric", "value", "low", "high", "unit", "source_id", "basis", "note"),
                    ("subject", "period", "metric", "source_id", "value", "low", "high"))
          for name in ("hbm_supply", "fab_estimates")),
        TableSpec("node_timeline", ("foundry", "node", "node_class", "milestone", "date", "source_id", "basis", "note"),
                  ("foundry", "node", "milestone", "source_id")),
        TableSpec("lithography", ("item", "fact", "date", "source_id", "note"), ("item",)),
        TableSpec("stack_matrix", ("vendor", "layer", "value", "status", "date", "source_id", "note"),
                  ("vendor", "layer", "value")),
        TableSpec("repos", ("repo", "vendor", "layer", "default_branch", "head_commit", "head_date", "source_id", "note"),
                  ("repo",)),
        TableSpec("repo_activity", ("repo", "quarter", "commits", "authors", "releases", "observed"), ("repo", "quarter")),
        TableSpec("evidence", ("date", "vendor", "hardware", "software", "model", "figure", "claim", "source_id"),
                  ("source_id", "date", "model")),
        TableSpec("deployments", ("model", "organisation", "date", "chip_id", "role", "scale", "source_id", "basis",
                                  "note"), ("model", "organisation", "role", "chip_id", "source_id")),
        TableSpec("measures", ("date", "jurisdiction", "measure", "title", "description", "conditions", "subject",
                               "source_id", "basis", "note"), ("date", "title")),
        TableSpec("measurements", MEASUREMENT_COLUMNS, ("chip_id", "workload", "task", "precision", "batch", "sequence",
                                                        "software", "chips", "system", "metric", "source_id")),
    )
}

#: Tables that must hold at least one row: the core of every report (theme tables may start empty).
NON_EMPTY_TABLES = ("origins", "sources", "chips", "metrics", "chip_specs")
#: Long "facts" tables (subject, metric, value, unit, source, basis, preferred, note): same checks as chip_specs.
FACT_TABLES = ("chip_specs", "system_specs", "hbm_specs")
#: (table, column, target table, target column): every value must exist in the target.
FOREIGN_KEYS = (
    ("sources", "origin", "origins", "origin_id"),
    ("claims", "origin", "origins", "origin_id"),
    ("chips", "variant_of", "chips", "chip_id"),
    *((table, "metric", "metrics", "metric") for table in FACT_TABLES),
    *((table, "source_id", "sources", "source_id")
      for table in (*FACT_TABLES, "events", "hbm_milestones", "hbm_supply", "fab_estimates", "node_timeline",
                    "lithography", "stack_matrix", "repos", "evidence", "measurements", "deployments", "measures")),
    ("deployments", "chip_id", "chips", "chip_id"),
    ("measurements", "chip_id", "chips", "chip_id"),
    ("repo_activity", "repo", "repos", "repo"),
    ("models", "params_source_id", "sources", "source_id"),
    ("claims", "source_id", "sources", "source_id"),
    ("models", "config_source_id", "sources", "source_id"),
    ("chip_specs", "chip_id", "chips", "chip_id"),
    ("system_specs", "system_id", "systems", "system_id"),
    ("systems", "chip_id", "chips", "chip_id"),
)
