import sys

from scorers.cli import main

sys.exit(main())
