"""Performance benchmark: a large synthetic data set and timings of the main pages.

``python -m benchmarks.run`` (``make bench``) does everything; see benchmarks/README.md."""
