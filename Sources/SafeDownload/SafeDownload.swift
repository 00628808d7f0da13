// The SafeDownload module; see README.md.
import CCurl
import CCurlShim
