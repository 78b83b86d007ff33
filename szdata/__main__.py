"""``python -m szdata``: the same as the ``szdata`` command."""

import sys

from szdata._cli import main

sys.exit(main())
