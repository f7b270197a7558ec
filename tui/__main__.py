"""`python -m logwatch.tui` works like the `logwatch` command."""

import sys

from logwatch.tui.cli import main

sys.exit(main())
