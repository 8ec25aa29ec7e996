"""The bundled `attune` program (see packaging/attune.spec): the same entry as the installed one."""

import sys

from attune_companion_ui.shell.launch import main

sys.exit(main())
