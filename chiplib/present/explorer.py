"""The explorer's widgets (ipywidgets): controls on the left, three views on the right that redraw in place.

- Chips: filter by vendor, status and country, then pick among the chips left (all by default).
- Compare: a reference chip and a precision give (a) the comparison table, each chip's share of the reference
  per metric; a rule version gives (b) the TPP against performance-density chart with that rule's lines.
- Production: a fab scenario, an HBM scenario and a year set sliders over the ranges the scenarios publish;
  moving any slider redraws (c) the distribution of packages (median, 5th-95th percentile).

Display only: the numbers, choices and sources come from an *engine*, the module
:mod:`chiplib.reports.explore` (this layer may not import the models; that module hands itself over in
``explore.app()``). Every view lists its sources; data text reaches the page only through
:mod:`chiplib.present.safe`, widget labels (shown as text) and chart tooltips (escaped by vega-tooltip).
Widgets carry ``chiplib-*`` classes so tests and screenshots can find them.
"""

from __future__ import annotations

import html
from contextlib import contextmanager
from types import ModuleType

from chiplib.present import charts, report_charts, safe

#: Slider label and readout format per production input (the model's names, in its order).
SLIDERS = {"wafers_per_month": ("Wafers / month", ",.0f"), "die_yield_percent": ("Die yield %", ".0f"),
           "die_stock": ("TSMC die stock", ".3s"), "die_stock_drawdown": ("Die stock used", ".2f"),
           "packaging_yield": ("Packaging yield", ".2f"), "hbm_stacks": ("HBM stacks", ".3s"),
           "hbm_drawdown": ("Stacks used", ".2f")}
STYLE = {"description_width": "110px"}
WIDE = "370px"


def _caption(sources) -> safe.Markdown:
    """A view's source list ('Sources (n): id, id, ...'), small, as the reports print it under a chart."""
    return safe.Markdown(f"<small>{safe.text(charts.caption(sources))}</small>")


def _output(item) -> dict:
    """``item`` as a display_data output (its MIME bundle, as ``display(item)`` would send it)."""
    from IPython.core.formatters import format_display_data

    data, metadata = format_display_data(item)
    return {"output_type": "display_data", "data": data, "metadata": metadata}


class Explorer:
    """The explorer's widgets and the wiring between them (see the module docstring)."""

    def __init__(self, engine: ModuleType):
        import ipywidgets as w

        self.engine = engine
        self._held = False
        start = engine.defaults()
        self.start = start
        values = engine.filter_values()
        self.filters = {name: w.SelectMultiple(options=values[name], value=tuple(values[name]),
                                               rows=min(len(values[name]), 6), description=name.title(), style=STYLE)
                        for name in engine.FILTERS}
        self.chips = w.SelectMultiple(description="Chips", rows=10, style=STYLE, layout=w.Layout(width=WIDE))
        self.precision = w.Dropdown(options=engine.precisions(), value=start["precision"], description="Precision",
                                    style=STYLE)
        self.reference = w.Dropdown(description="Reference chip", style=STYLE, layout=w.Layout(width=WIDE))
        self.rule = w.Dropdown(options=engine.rules(), value=start["rule"], description="Rule version", style=STYLE,
                               layout=w.Layout(width=WIDE))
        self.scenario = w.Dropdown(options=engine.fab_scenarios(), value=start["scenario"], description="Fab scenario",
                                   style=STYLE)
        self.hbm = w.Dropdown(options=engine.hbm_scenarios(), value=start["hbm_scenario"], description="HBM scenario",
                              style=STYLE)
        years = engine.years()
        self.year = w.Dropdown(options=years, value=start["year"] if start["year"] in years else years[0],
                               description="Year", style=STYLE)
        self.no_hbm_limit = w.Checkbox(description="No HBM limit", indent=False)
        extents = engine.slider_extents(years)
        self.sliders = {key: w.FloatRangeSlider(min=extents[key][0], max=extents[key][1],
                                                step=(extents[key][1] - extents[key][0]) / 100 or 1,
                                                description=label, readout_format=fmt, continuous_update=False,
                                                style=STYLE, layout=w.Layout(width=WIDE))
                        for key, (label, fmt) in SLIDERS.items()}
        self.out = {name: w.Output() for name in ("comparison", "rule", "production")}
        self.out["comparison"].layout = w.Layout(max_height="360px", overflow="auto")  # the table scrolls
        self._tag()
        self._layout(w)
        self._wire()
        with self.hold():
            self._filters_changed()
            self._precision_changed()
            self._scenario_changed()
        self.refresh()

    # ------------------------------------------------------------------------- layout

    def _tag(self) -> None:
        for name, widget in self.filters.items():
            widget.add_class(f"chiplib-filter-{name}")
        for name in ("chips", "precision", "reference", "rule", "scenario", "hbm", "year", "no_hbm_limit"):
            getattr(self, name).add_class(f"chiplib-{name.replace('_', '-')}")
        for key, slider in self.sliders.items():
            slider.add_class(f"chiplib-slider-{key.replace('_', '-')}")
        for name, out in self.out.items():
            out.add_class(f"chiplib-{name}")

    def _layout(self, w) -> None:
        def heading(text: str):
            return w.HTML(f"<h3 style='margin:8px 0 2px'>{html.escape(text)}</h3>")

        controls = w.VBox([heading("Chips"), *self.filters.values(), self.chips,
                           heading("Compare"), self.reference, self.precision, self.rule,
                           heading("Production"), self.scenario, self.hbm, self.year, self.no_hbm_limit,
                           *self.sliders.values()], layout=w.Layout(width="390px", flex="0 0 390px"))
        views = w.VBox([heading("(a) Share of the reference chip, per metric"), self.out["comparison"],
                        heading("(b) Where the chips fall under the rule"), self.out["rule"],
                        heading("(c) Ascend 910C-class packages in the year"), self.out["production"]],
                       layout=w.Layout(flex="1 1 auto"))
        self.root = w.HBox([controls, views], layout=w.Layout(align_items="flex-start"))
        self.root.add_class("chiplib-explorer")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.root)

    # ------------------------------------------------------------------------- wiring

    @contextmanager
    def hold(self):
        """Apply several changes to the controls, then redraw once (by the caller)."""
        held, self._held = self._held, True
        try:
            yield
        finally:
            self._held = held

    def _on(self, widgets, handler) -> None:
        for widget in widgets:
            widget.observe(lambda change: handler(), names="value")

    def _wire(self) -> None:
        self._on(self.filters.values(), lambda: self._changed(self._filters_changed, "comparison", "rule"))
        self._on([self.chips], lambda: self._changed(None, "comparison", "rule"))
        self._on([self.precision], lambda: self._changed(self._precision_changed, "comparison"))
        self._on([self.reference], lambda: self._changed(None, "comparison"))
        self._on([self.rule], lambda: self._changed(None, "rule"))
        self._on([self.scenario, self.hbm, self.year], lambda: self._changed(self._scenario_changed, "production"))
        self._on([*self.sliders.values(), self.no_hbm_limit], lambda: self._changed(None, "production"))

    def _changed(self, update, *views: str) -> None:
        if self._held:
            return
        with self.hold():
            if update is not None:
                update()
        self.refresh(*views)

    def _filters_changed(self) -> None:
        chosen = self.engine.filtered(*(self.filters[name].value for name in self.engine.FILTERS))
        self.chips.options = self.engine.chip_labels(chosen)
        self.chips.value = tuple(chosen)

    def _precision_changed(self) -> None:
        current = self.reference.value or self.start["reference"]
        usable = self.engine.references(self.precision.value)
        self.reference.options = self.engine.chip_labels(usable)
        self.reference.value = current if current in usable else usable[0]

    def _scenario_changed(self) -> None:
        setup = self.engine.production_setup(self.scenario.value, self.hbm.value, self.year.value)
        self._setup = setup
        for key, slider in self.sliders.items():
            bounds = setup["ranges"][key]
            if bounds is not None:
                low, high = max(bounds[0], slider.min), min(bounds[1], slider.max)
                slider.value = (low, high)
        self.no_hbm_limit.value = setup["ranges"]["hbm_stacks"] is None

    def ranges(self) -> dict:
        """The production inputs the sliders set (``hbm_stacks`` None when there is no HBM limit)."""
        chosen = {key: tuple(slider.value) for key, slider in self.sliders.items()}
        if self.no_hbm_limit.value:
            chosen["hbm_stacks"] = None
        return chosen

    # ------------------------------------------------------------------------- views

    def refresh(self, *views: str) -> None:
        """Redraw ``views`` (all three when none is named), each in place: the view's Output widget gets its new
        outputs in one assignment (synchronised to the page as widget state), not by capturing ``display`` calls.
        Capturing would route every output through Voila's server-side Output-widget mimic while the notebook
        first runs, which can leave the page at "Executing 1 of 2" (voila-dashboards/voila#1428)."""
        for name in views or tuple(self.out):
            try:
                items = self.contents(name)
            except Exception as exc:  # shown in the view; the other views and the controls keep working
                items = [safe.markdown("This view cannot be drawn for these choices: {}", exc)]
            self.out[name].outputs = tuple(_output(item) for item in items)

    def contents(self, name: str) -> list:
        """What view ``name`` (comparison, rule or production) shows for the current choices, as displayable
        objects: text, table or chart, then its sources."""
        return getattr(self, f"_{name}")()

    def _comparison(self) -> list:
        view = self.engine.comparison(self.chips.value, self.reference.value, self.precision.value)
        return [safe.markdown("{}", view.text), safe.table(view.frame, view.formats, sources=view.sources),
                _caption(view.sources)]

    def _rule(self) -> list:
        view = self.engine.rule_points(self.chips.value, self.rule.value)
        extra = view.extra
        chart = report_charts.tpp_vs_density(view.frame, extra["rule"].rule_id, extra["rule"].name, extra["china_parts"],
                                             extra["thresholds"])
        items = [safe.markdown("{}", view.text), charts.LiveChart(chart, view.sources), _caption(view.sources)]
        if extra["unplaced"]:
            items.append(safe.markdown("<details><summary>{n} chosen chips are not placed: no TPP or no density</summary>"
                                       "{names}</details>", n=len(extra["unplaced"]), names=", ".join(extra["unplaced"])))
        return items

    def _production(self) -> list:
        year = self.year.value
        view = self.engine.production(self.ranges(), self._setup["constants"], year, self._setup["sources"],
                                      self.start["samples"], self.start["seed"])
        chart = report_charts.output_histogram(view.frame, view.extra["published"], year, view.extra["stats"])
        return [safe.markdown("**{}**", view.text), charts.LiveChart(chart, view.sources), _caption(view.sources),
                safe.markdown("{}", self._setup["description"])]


def show(engine: ModuleType) -> Explorer:
    """The explorer for ``engine`` (displayed when it is a cell's value)."""
    return Explorer(engine)
