"""`make bench`: see bench/run.py. bench/servers.py is also the tests' server harness."""


class BenchError(Exception):
    """The bench cannot measure what it set out to: said in one line, without a traceback."""
