#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>

/*
 * Fixed-signature wrappers of libcurl's variadic curl_easy_setopt and
 * curl_easy_getinfo (Swift cannot call C variadic functions), one per argument
 * type libcurl expects, so every call passes exactly the C type curl reads.
 */

CURLcode msgflo_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode msgflo_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode msgflo_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode msgflo_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode msgflo_curl_setopt_write_function(CURL *handle, curl_write_callback callback);
CURLcode msgflo_curl_setopt_header_function(CURL *handle, curl_write_callback callback);
CURLcode msgflo_curl_setopt_opensocket_function(CURL *handle, curl_opensocket_callback callback);
CURLcode msgflo_curl_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback);

CURLcode msgflo_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode msgflo_curl_getinfo_string(CURL *handle, CURLINFO info, char **value);

/* curl_global_init(CURL_GLOBAL_DEFAULT): the flag macro does not import. */
CURLcode msgflo_curl_global_init(void);

/*
 * Copies the IP address and port out of the sockaddr libcurl is about to
 * connect to. Returns 4 (IPv4, 4 bytes written), 16 (IPv6, 16 bytes written)
 * or 0 for any other family or a truncated address. Bytes and port are in
 * network order as they appear on the wire; port is converted to host order.
 */
int msgflo_curl_sockaddr_ip(const struct curl_sockaddr *address,
                            unsigned char out[16], unsigned short *port);

#endif
