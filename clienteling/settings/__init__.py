"""Settings modules: base (reads the environment, embedded defaults), production, test."""
