"""Live map benchmark: how long does the workshop app's network map take to redraw after a filter change?

On the example gmina (27 partners, measurements T0 and T1, the data of the app's browser test) the script times,
side by side, for the same filter states:

    (a) the redraw path the map had before: filtered_graph, draw_network (constrained layout, legend laid out at
        every save) and figure_png (PNG level 6) — what a report or notebook still does;
    (b) the live map's path now, for a state not seen before: NetworkExplorer.draw_map, i.e. filtered_graph,
        draw_live_network (fixed layout, legend pasted from pixels drawn once) and live_png (one draw, RGB, PNG
        level 1);
    (c) going back to a state already seen: a sector filter change handled by NetworkExplorer.redraw_map, which
        shows the PNG it kept (the Output widget's display is left out: there is no browser here).

(a) and (b) run ``--repeat`` times over every state (the order alternates between repetitions); the medians, their
ratio (b)/(a) against the goal "≤ 0.5×" and each state's own times are printed. After the first repetition the
PNGs of (a) and (b) are decoded and compared pixel by pixel: the live map must look the same as the report's.
Nothing here asserts on time: a MISS is information, not a failure.

    python benchmarks/bench_app_map.py                 # every filter state, 7 repetitions
    python benchmarks/bench_app_map.py --small         # only the full map, for a quick smoke run
    python benchmarks/bench_app_map.py --workdir DIR   # keep the PNGs of (a) and (b) in DIR, to look at them
    python benchmarks/bench_app_map.py --profile       # also cProfile one full-map redraw of (a) and of (b)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
from PIL import Image

from pzk_kit.figures import figure_png
from pzk_kit.network import filtered_graph
from pzk_kit.network.plots import draw_network
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workshop.interactive import MapState, NetworkExplorer, map_title

if str(Path(__file__).resolve().parent) not in sys.path:  # the shared harness, also when loaded by path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from harness import Case, step

GOAL_RATIO = 0.5
SEEN_CHANGES = 20  # filter changes back and forth between two seen states, for (c)
MAX_CHANNEL_DIFFERENCE = 8  # of 255: anti-aliasing noise, nothing a person can see
MAX_DIFFERING_SHARE = 0.01


def filter_states(explorer: NetworkExplorer) -> list[MapState]:
    """The states a workshop goes through: the full map first (the slowest), then one sector, a higher level and
    the other measurement."""
    every = tuple(sorted(code for _label, code in explorer.sectors.options))
    last, first = explorer.measurement.options[-1], explorer.measurement.options[0]
    one = ("pomoc_spoleczna",) if "pomoc_spoleczna" in every else every[:1]
    return [(last, 1, every), (last, 1, one), (last, 3, every), (first, 1, every)]


def state_name(state: MapState, explorer: NetworkExplorer) -> str:
    measurement, level, sectors = state
    every = len(explorer.sectors.options)
    chosen = "all sectors" if len(sectors) == every else ", ".join(sectors)
    return f"{measurement}, level ≥ {level}, {chosen}"


def before(explorer: NetworkExplorer, state: MapState) -> tuple[bytes, str]:
    """The map's redraw as it was before the live map: the report's figure, saved the report's way."""
    measurement, min_level, sectors = state
    network = explorer.networks[measurement]
    graph = filtered_graph(network, min_level, list(sectors))
    title = map_title(measurement, min_level, graph.number_of_edges())
    png = figure_png(draw_network(graph, leader=network.leader, pos=explorer.layout, title=title))
    return png, f"Partnerzy na mapie: {graph.number_of_nodes()}, powiązania: {graph.number_of_edges()}"


def run_states(draw, explorer: NetworkExplorer, states: list[MapState], steps: harness.Steps) -> list[bytes]:
    return [step(steps, str(i), draw, explorer, state)[0] for i, state in enumerate(states)]


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def compare(old: list[bytes], new: list[bytes], names: list[str], workdir: Path) -> None:
    """The live map must be the report's map: same size, no visible difference in any pixel."""
    for i, (a, b, name) in enumerate(zip(old, new, names, strict=True)):
        (workdir / f"mapa_{i}_przed.png").write_bytes(a)
        (workdir / f"mapa_{i}_teraz.png").write_bytes(b)
        pa, pb = pixels(a), pixels(b)
        assert pa.shape == pb.shape, f"{name}: {pa.shape} before, {pb.shape} now"
        difference = np.abs(pa - pb).max(axis=2)
        share = float((difference > 0).mean())
        print(f"    {name}: {pa.shape[1]}×{pa.shape[0]} px, PNG {len(a) // 1024} kB → {len(b) // 1024} kB, "
              f"largest channel difference {int(difference.max())}/255, differing pixels {share:.2%}")
        assert difference.max() <= MAX_CHANNEL_DIFFERENCE and share <= MAX_DIFFERING_SHARE, name
    print("  check: (a) and (b) draw the same picture for every state")


def seen_changes(explorer: NetworkExplorer, states: list[MapState], changes: int) -> list[float]:
    """Seconds per sector filter change between two states already seen, through the widget as in the app."""
    measurement, level, _ = states[0]
    explorer.measurement.value, explorer.min_level.value = measurement, level
    choices = [states[0][2], states[1][2] if len(states) > 1 else states[0][2][:1]]
    with contextlib.redirect_stdout(io.StringIO()):
        for sectors in choices:  # both seen before the timing
            explorer.sectors.value = sectors
    times = []
    with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel the Output widget prints what it shows
        for change in range(changes):
            start = time.perf_counter()
            explorer.sectors.value = choices[change % 2]
            times.append(time.perf_counter() - start)
    expected = explorer.maps[explorer.map_state()][1]
    assert explorer.status.value == expected, (explorer.status.value, expected)
    return times


def report(times: dict[str, list[float]], steps: dict[str, list[harness.Steps]], labels: dict[str, str],
           names: list[str], seen: list[float]) -> str:
    medians = harness.medians(times)
    lines = harness.case_table(times, labels, width=52)
    lines += ["", "  each state (median ms):   (a) before    (b) now    (b)/(a)"]
    for i, name in enumerate(names):
        a = statistics.median(run[str(i)] for run in steps["a"]) * 1000
        b = statistics.median(run[str(i)] for run in steps["b"]) * 1000
        lines.append(f"    {name:<42} {a:8.0f} {b:10.0f} {harness.ratio(b, a):9.2f}×")
    lines += ["", harness.RATIO_HEADER, harness.ratio_line("(b)/(a)", medians["b"], medians["a"], GOAL_RATIO),
              f"  speed-up   {harness.ratio(medians['a'], medians['b']):8.2f}× faster than before"]
    ms = sorted(t * 1000 for t in seen)
    lines += ["", f"  (c) back to a seen state, {len(ms)} sector changes: median {statistics.median(ms):.2f} ms, "
                  f"max {ms[-1]:.2f} ms"]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    return harness.build_parser(
        "bench_app_map.py",
        "Benchmark the workshop app's live network map: the redraw path it had (draw_network + figure_png) "
        "against the live one (NetworkExplorer.draw_map: draw_live_network + live_png) on the example gmina, "
        "and the return to a filter state already seen. Never fails on time.",
        default_repeat=7, measured="redraw of every filter state", generated="PNGs of both paths",
        default_seed=0, small_factor=4,
        after_small=[("--profile", {"action": "store_true",
                                    "help": "afterwards, cProfile one full-map redraw of (a) and of (b)"})],
    )


def run(args: argparse.Namespace, workdir: Path) -> None:
    harness.print_header("live map", args, workdir, {"matplotlib": matplotlib.__version__})
    data, t_read = harness.timed(read_gmina, example_dir())
    explorer, t_explorer = harness.timed(NetworkExplorer, data)
    states = filter_states(explorer)[: 1 if args.small else None]
    names = [state_name(state, explorer) for state in states]
    print(f"data: the example gmina, {len(data.partners)} partners, measurements "
          f"{', '.join(explorer.networks)}; read {t_read:.2f} s, explorer with its layout {t_explorer:.2f} s")
    for draw in (before, NetworkExplorer.draw_map):  # warm-up: fonts, dictionaries, the legends' pixels
        draw(explorer, states[0])

    cases = [
        Case("a", "before: filtered_graph + draw_network + figure_png",
             lambda s: run_states(before, explorer, states, s)),
        Case("b", "now: draw_map = draw_live_network + live_png",
             lambda s: run_states(NetworkExplorer.draw_map, explorer, states, s)),
    ]
    print(f"measuring {len(states)} filter state(s) per repetition:")
    times, steps = harness.measure(cases, args.repeat,
                                   check=lambda results: compare(results["a"], results["b"], names, workdir))
    seen = seen_changes(explorer, filter_states(explorer), SEEN_CHANGES // (4 if args.small else 1))
    print()
    print(f"medians of {args.repeat} repetition(s):")
    print(report(times, steps, {case.key: case.label for case in cases}, names, seen))
    if args.profile:
        print()
        for key, draw in (("a", before), ("b", NetworkExplorer.draw_map)):
            print(f"--- profile of one full-map redraw of ({key}) ---")
            print(harness.profile(lambda draw=draw: draw(explorer, states[0]), "network_plots.py", 20))


def main(argv: Sequence[str] | None = None) -> int:
    return harness.main(argv, build_parser, run, temp_prefix="pzk_bench_app_map_")


if __name__ == "__main__":
    sys.exit(main())
