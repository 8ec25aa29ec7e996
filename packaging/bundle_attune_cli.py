"""The bundled `attune-cli` program (see packaging/attune.spec): the same entry as the installed one."""

import sys

from attune_companion_ui.shell.cli_main import main

sys.exit(main())
