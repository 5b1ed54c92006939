"""``python -m devtools.botapi``: the local Bot API server with you as the user."""

from devtools.botapi.console import main

raise SystemExit(main())
