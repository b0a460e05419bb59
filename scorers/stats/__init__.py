"""Board statistics: per-item records kept at scoring time, and the bootstrap that turns them
into confidence intervals, paired tests, significance clusters and rank ranges.

- ``records``: the compact per-item file a built-in scorer writes for each partition.
- ``sufficient``: for each supported metric, the per-item columns whose sums determine it.
- ``resample``: the seeded resample counts shared by every row of a board.
- ``board``: intervals, clusters, rank ranges and comparisons for a whole board at once.

No Django here: the platform's board job calls ``board.board_statistics`` with the records it
read from storage. docs/leaderboards.md describes the method and its approximations.
"""
