from podium_client.cli import main

raise SystemExit(main())
