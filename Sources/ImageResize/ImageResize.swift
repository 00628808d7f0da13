// The ImageResize module; see README.md.
