// The Postgres module; see README.md.
import CLibPQ
