// The Guv module; see README.md.
