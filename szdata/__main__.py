"""``python -m szdata``: the same as the ``szdata`` command."""

import sys

from szdata._commands._main import main

sys.exit(main())
