"""A live one-line progress display for HiGHS solves, fed by highspy's callbacks.

What highspy 1.16 offers (measured on this package, see ``tests/solve/test_progress.py``):

- ``h.cbMipInterrupt.subscribe(fn)`` fires very often during branch and bound (about 10,000
  times a second on a small knapsack) with ``e.data_out.running_time`` [s],
  ``mip_primal_bound`` (the incumbent, ``inf`` before the first one), ``mip_dual_bound``
  (``-inf`` before the root), ``mip_gap`` (a fraction, ``inf`` without an incumbent) and
  ``mip_node_count``;
- ``h.cbMipImprovingSolution`` fires once per new incumbent (``objective_function_value``);
- ``h.cbSimplexInterrupt`` fires during a pure LP's simplex with ``simplex_iteration_count``
  only (``running_time`` is -1 and ``objective_function_value`` -inf there);
  ``h.cbIpmInterrupt`` fires during interior point with no usable number at all. Neither fires
  for the LPs inside a MIP, so during a long root LP the line shows only the elapsed time;
- ``h.cbLogging`` fires only when ``output_flag`` is on (zopt turns it off when quiet);
- each ``subscribe`` calls ``h.startCallback`` itself; ``h.setCallback`` is what the
  ``highspy.Highs`` wrapper uses internally, so it is only used here for a bare ``_Highs``
  object without the ``cb*`` attributes (older API: ``setCallback(fn, user_data)`` +
  ``startCallback(kCallbackMipInterrupt)``).

``h.run()`` releases the GIL, so rich's refresh thread redraws the line about 4 times a second
while the callbacks only store numbers (cost: a few attribute reads per call). When the console
is not a terminal, a plain line is printed every ``plain_interval_s`` [s] instead (0: none) and
the final line once at the end. Any error while rendering is swallowed: the solve never fails
because of the display. ``enabled=False`` subscribes nothing and shows nothing; ``p.last`` is
still filled from ``h.getInfo()`` after the solve.

Hooking it into :func:`optimizer.solve.highs.solve_model` (which calls ``h.run()``)::

    from optimizer.solve.progress import live_progress

    # new keyword arguments of solve_model: progress_stage: str | None = None,
    # progress_console: rich.console.Console | None = None
    t1 = time.perf_counter()
    with live_progress(
        h,
        stage=progress_stage or "solve",
        enabled=progress_stage is not None and not options.log_to_console,
        console=progress_console,  # None: rich.console.Console(stderr=True)
        scale=1.0,
        unit="$M",  # the model's objective is in $M
    ) as p:
        h.run()
    solve_s = time.perf_counter() - t1
    # p.last.incumbent, p.last.bound, p.last.gap, p.last.status: e.g. for time-limit messages

Keep ``enabled`` off when ``log_to_console`` is on: HiGHS writes its log straight to the C-level
stdout, which would interleave with the live line.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

DASH = "-"


@dataclass(frozen=True)
class ProgressSnapshot:
    """The last values a solve reported.

    Attributes
    ----------
    stage : name of the solve shown on the line
    elapsed_s : wall time since the display started [s]
    incumbent : best objective found, in the objective's own units (nan: none yet)
    bound : proven bound on the objective, same units (nan: none yet)
    gap : relative gap ``|incumbent - bound| / |incumbent|`` as HiGHS reports it [-] (nan)
    nodes : branch-and-bound nodes explored [-]
    iterations : simplex iterations of a pure LP [-]
    solutions : improving solutions seen [-]
    status : HiGHS model status words after the solve ("" while running)
    kind : "MIP", "LP", "IPM" or "" (no callback seen yet)
    """

    stage: str
    elapsed_s: float
    incumbent: float
    bound: float
    gap: float
    nodes: int
    iterations: int
    solutions: int
    status: str
    kind: str


def _finite(x) -> float:
    """``x`` as a float, nan when it is infinite, missing or not a number."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return math.nan
    return x if math.isfinite(x) else math.nan


@dataclass
class SolveProgress:
    """Records what HiGHS's callbacks report and renders it as one line.

    Parameters
    ----------
    stage : name shown first on the line (e.g. "MILP search")
    scale : factor from the objective's units to the displayed ones [unit/objective unit]
    unit : displayed unit of incumbent and bound (e.g. "$M")
    clock : monotonic clock [s] (replaceable in tests)

    Attributes
    ----------
    incumbent, bound, gap, nodes, iterations, status, kind : as in :class:`ProgressSnapshot`
        (raw: ``inf`` where HiGHS has no value yet)
    incumbents : (seconds since start [s], objective) of every improving solution
    events : ``cbMipInterrupt`` calls seen [-]
    callback_errors : handler calls that raised (and were ignored) [-]
    """

    stage: str
    scale: float = 1.0
    unit: str = "$M"
    clock: Callable[[], float] = time.monotonic
    incumbent: float = math.nan
    bound: float = math.nan
    gap: float = math.nan
    nodes: int = 0
    iterations: int = 0
    status: str = ""
    kind: str = ""
    incumbents: list[tuple[float, float]] = field(default_factory=list)
    started: float = field(default=math.nan)
    stopped: float = field(default=math.nan)
    events: int = 0
    callback_errors: int = 0

    def __post_init__(self):
        self.started = self.clock()

    # --- callbacks: store numbers only -------------------------------------------------------

    def on_mip(self, e) -> None:
        """``cbMipInterrupt`` handler: incumbent, bound, gap and nodes."""
        try:
            d = e.data_out
            self.incumbent = d.mip_primal_bound
            self.bound = d.mip_dual_bound
            self.gap = d.mip_gap
            self.nodes = d.mip_node_count
            self.kind = "MIP"
            self.events += 1
        except Exception:  # a display must never stop the solver
            self.callback_errors += 1

    def on_improving(self, e) -> None:
        """``cbMipImprovingSolution`` handler: keep (time [s], objective) of each incumbent."""
        try:
            value = float(e.data_out.objective_function_value)
            self.incumbents.append((self.clock() - self.started, value))
            self.incumbent = value
            self.kind = "MIP"
        except Exception:
            self.callback_errors += 1

    def on_simplex(self, e) -> None:
        """``cbSimplexInterrupt`` handler: the LP's iteration count."""
        try:
            self.iterations = e.data_out.simplex_iteration_count
            self.kind = self.kind or "LP"
        except Exception:
            self.callback_errors += 1

    def on_ipm(self, e) -> None:
        """``cbIpmInterrupt`` handler: only notes that interior point is running."""
        self.kind = self.kind or "IPM"

    def handlers(self) -> dict[str, Callable]:
        """The ``cb*`` attribute name of highspy.Highs -> handler, as subscribed."""
        return {
            "cbMipInterrupt": self.on_mip,
            "cbMipImprovingSolution": self.on_improving,
            "cbSimplexInterrupt": self.on_simplex,
            "cbIpmInterrupt": self.on_ipm,
        }

    # --- final values and reading ------------------------------------------------------------

    def finish(self, h) -> None:
        """Stop the clock and take the final objective, bound, gap and status from ``h``."""
        self.stopped = self.clock()
        try:
            info = h.getInfo()
            self.status = h.modelStatusToString(h.getModelStatus())
            is_mip = self.kind == "MIP" or int(info.mip_node_count) >= 0
            if int(info.primal_solution_status) == 2:
                self.incumbent = float(info.objective_function_value)
            if is_mip:
                self.bound, self.gap = info.mip_dual_bound, info.mip_gap
                self.nodes = max(int(info.mip_node_count), 0)
                self.kind = "MIP"
            elif self.status == "Optimal":
                self.bound, self.gap = self.incumbent, 0.0
                self.iterations = max(int(info.simplex_iteration_count), self.iterations)
        except Exception:
            self.callback_errors += 1

    @property
    def last(self) -> ProgressSnapshot:
        """The last recorded values (objective units; nan where unknown)."""
        end = self.stopped if math.isfinite(self.stopped) else self.clock()
        return ProgressSnapshot(
            stage=self.stage,
            elapsed_s=end - self.started,
            incumbent=_finite(self.incumbent),
            bound=_finite(self.bound),
            gap=_finite(self.gap),
            nodes=int(self.nodes),
            iterations=int(self.iterations),
            solutions=len(self.incumbents),
            status=self.status,
            kind=self.kind,
        )

    def _value(self, x: float) -> str:
        return DASH if math.isnan(x) else f"{x * self.scale:,.6g} {self.unit}"

    def line(self) -> str:
        """The progress line as plain text."""
        s = self.last
        parts = [s.stage, f"{s.elapsed_s:,.1f} s"]
        if s.kind == "MIP" or not math.isnan(s.incumbent):
            gap = DASH if math.isnan(s.gap) else f"{100 * s.gap:.2f} %"
            parts += [
                f"incumbent {self._value(s.incumbent)}",
                f"bound {self._value(s.bound)}",
                f"gap {gap}",
            ]
        if s.kind == "MIP":
            parts.append(f"nodes {s.nodes:,}")
        elif s.kind == "LP":
            parts.append(f"simplex iterations {s.iterations:,}")
        elif s.kind == "IPM":
            parts.append("interior point")
        if s.status:
            parts.append(s.status)
        return "  ".join(parts)

    def __rich__(self):
        """rich renderable of :meth:`line` (a fallback text if anything goes wrong)."""
        from rich.text import Text

        try:
            return Text(self.line(), no_wrap=True, overflow="ellipsis")
        except Exception:
            return Text(f"{self.stage} ...")


def _subscribe(h, progress: SolveProgress) -> Callable[[], None]:
    """Subscribe ``progress``'s handlers to ``h``; return the function that unsubscribes."""
    handlers = progress.handlers()
    if hasattr(h, "cbMipInterrupt"):
        for name, fn in handlers.items():
            getattr(h, name).subscribe(fn)
        return lambda: [getattr(h, name).unsubscribe(fn) for name, fn in handlers.items()]
    return _subscribe_legacy(h, handlers)


def _subscribe_legacy(h, handlers: dict[str, Callable]) -> Callable[[], None]:
    """The older API on a bare ``highspy._core._Highs``: one ``setCallback`` dispatcher."""
    from highspy import cb

    types = {
        "cbMipInterrupt": cb.HighsCallbackType.kCallbackMipInterrupt,
        "cbMipImprovingSolution": cb.HighsCallbackType.kCallbackMipImprovingSolution,
        "cbSimplexInterrupt": cb.HighsCallbackType.kCallbackSimplexInterrupt,
        "cbIpmInterrupt": cb.HighsCallbackType.kCallbackIpmInterrupt,
    }
    by_type = {int(types[name]): fn for name, fn in handlers.items()}

    class _Event:
        __slots__ = ("data_out",)

        def __init__(self, data_out):
            self.data_out = data_out

    def dispatch(callback_type, message, data_out, data_in, user_data):
        fn = by_type.get(int(callback_type))
        if fn is not None:
            fn(_Event(data_out))

    h.setCallback(dispatch, None)
    for t in types.values():
        h.startCallback(t)

    def undo():
        for t in types.values():
            h.stopCallback(t)
        h.setCallback(None, None)

    return undo


class _PlainTicker(threading.Thread):
    """Prints the line every ``interval_s`` [s] to a console that is not a terminal."""

    def __init__(self, progress: SolveProgress, console, interval_s: float):
        super().__init__(daemon=True, name="zopt-progress")
        self.progress, self.console, self.interval_s = progress, console, interval_s
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval_s):
            _print_line(self.progress, self.console)


def _print_line(progress: SolveProgress, console) -> None:
    with suppress(Exception):
        console.print(progress.__rich__(), soft_wrap=True)


class _Display:
    """Starts and stops rendering: rich Live on a terminal, a plain ticker otherwise."""

    def __init__(self, progress, console, refresh_per_second, plain_interval_s, keep):
        self.progress, self.console, self.keep = progress, console, keep
        self.live = self.ticker = None
        try:
            if console.is_terminal and not console.is_dumb_terminal:
                from rich.live import Live

                self.live = Live(
                    get_renderable=progress.__rich__,
                    console=console,
                    refresh_per_second=refresh_per_second,
                    transient=not keep,
                    redirect_stdout=False,
                    redirect_stderr=False,
                )
                self.live.start()
            elif plain_interval_s and plain_interval_s > 0:
                self.ticker = _PlainTicker(progress, console, plain_interval_s)
                self.ticker.start()
        except Exception:  # e.g. another Live already active: show nothing
            self.live = self.ticker = None

    def stop(self) -> None:
        try:
            if self.live is not None:
                self.live.stop()  # renders the final line once more (kept unless transient)
                return
            if self.ticker is not None:
                self.ticker.done.set()
                self.ticker.join(timeout=1.0)
            if self.keep:
                _print_line(self.progress, self.console)
        except Exception:
            pass


@contextmanager
def live_progress(
    h,
    stage: str,
    enabled: bool = True,
    console=None,
    scale: float = 1.0,
    unit: str = "$M",
    refresh_per_second: float = 4.0,
    plain_interval_s: float = 10.0,
    keep: bool = True,
) -> Iterator[SolveProgress]:
    """Show one live progress line while the ``with`` body runs ``h.run()``.

    Parameters
    ----------
    h : highspy.Highs (or a bare ``highspy._core._Highs``) with the model passed
    stage : name shown on the line
    enabled : False: no callbacks and no output; the final values are still recorded
    console : rich.console.Console to draw on; None: ``Console(stderr=True)``
    scale, unit : display factor and unit of the objective (see :class:`SolveProgress`)
    refresh_per_second : redraw rate on a terminal [1/s]
    plain_interval_s : period of the plain line when the console is no terminal [s]; 0: none
    keep : keep the final line (True) or clear it (False, terminal only)

    Yields
    ------
    SolveProgress
        read ``.last`` after the block for the final incumbent, bound, gap and status.
    """
    progress = SolveProgress(stage=stage, scale=scale, unit=unit)
    unsubscribe = display = None
    if enabled:
        try:
            unsubscribe = _subscribe(h, progress)
        except Exception:  # no callbacks: the solve runs without a display
            unsubscribe = None
        if console is None:
            from rich.console import Console

            console = Console(stderr=True)
        display = _Display(progress, console, refresh_per_second, plain_interval_s, keep)
    try:
        yield progress
    finally:
        progress.finish(h)
        if display is not None:
            display.stop()
        if unsubscribe is not None:
            with suppress(Exception):
                unsubscribe()
