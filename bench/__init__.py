"""sousei benchmark (not tests): ``python -m bench [--quick] [--out FILE]``.

Each module measures one thing and returns plain dicts; :mod:`bench.run` runs them in
order, :mod:`bench.report` prints the table and writes the JSON. See docs/benchmarks.md.
"""
