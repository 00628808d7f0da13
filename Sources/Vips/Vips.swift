// The Vips module; see README.md.
import CVips
import CVipsShim
