# The README's commands. Each target is a thin alias for a script in scripts/.
.PHONY: demo test lint bench

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/python manage.py makemigrations --check --dry-run

bench:
	.venv/bin/python bench/bench_scorers.py
	.venv/bin/python bench/bench_leaderboard.py
	.venv/bin/python bench/bench_board_stats.py
	.venv/bin/python bench/bench_baselines.py
	.venv/bin/python bench/bench_submissions.py
	.venv/bin/python bench/bench_programs.py
