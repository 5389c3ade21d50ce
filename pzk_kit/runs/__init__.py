"""Running the notebooks headless: one gmina (`pzk run`), many (`pzk batch`), and their result files."""
