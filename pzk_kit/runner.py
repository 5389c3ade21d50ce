"""Running the kit's notebooks headless (papermill) the same robust way everywhere.

Known traps, handled here once: the kernel is always named explicitly (``python3``), the working directory is
explicit, matplotlib uses Agg, and a kernel that does not answer (at start or in a cell; seen occasionally when
kernels run in parallel) becomes an error after a timeout and the run is retried, instead of hanging forever.
Unix-socket transport was tried against port races and made kernel starts fail more often, so TCP stays.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

KERNEL_NAME = "python3"
NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
CELL_TIMEOUT = 600  # seconds: the slowest cell (a 2,000-partner network) takes well under a minute
START_TIMEOUT = 60
RETRIES = 2


def run_notebook(
    notebook: str | Path,
    output: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    cwd: str | Path | None = None,
    cell_timeout: int = CELL_TIMEOUT,
    retries: int = RETRIES,
) -> Any:
    """Execute ``notebook`` into ``output`` with papermill; returns the executed notebook node."""
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    notebook = Path(notebook)
    env_backup = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"  # inherited by the kernel: no GUI backend in batch runs
    try:
        for attempt in range(retries + 1):
            try:
                return pm.execute_notebook(
                    str(notebook), str(output), parameters=parameters or {}, kernel_name=KERNEL_NAME,
                    cwd=str(cwd or notebook.parent), progress_bar=False, execution_timeout=cell_timeout,
                    start_timeout=START_TIMEOUT,
                )
            except (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError):
                # RuntimeError: "Kernel didn't respond in N seconds" from jupyter_client at start
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")
    finally:
        if env_backup is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = env_backup
