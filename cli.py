"""Run tbkl from a checkout without installing: `python cli.py render notices -o out`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tbkl_gen.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
