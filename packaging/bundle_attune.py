"""The bundled `attune` program (see packaging/attune.spec): the same entry as the installed one."""

import sys

from ui.shell.launch import main

sys.exit(main())
