import sys

from scorers.cli import keep_freed_memory, main

keep_freed_memory()
sys.exit(main())
