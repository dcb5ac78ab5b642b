"""Stop `make` early with a clear message when the Python is too old."""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 (this script runs before the venv exists)
    sys.exit(
        f"blogsync needs Python 3.11 or newer; {sys.executable} is "
        f"{sys.version.split()[0]}. Run make with PYTHON=/path/to/python3.11."
    )
