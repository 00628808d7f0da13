// The LoadTest module; see README.md.
