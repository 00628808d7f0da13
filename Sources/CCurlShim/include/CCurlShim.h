#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>
/// Fixed-signature wrappers of libcurl's variadic curl_easy_setopt/getinfo live here.
CURLcode msgflo_curl_setopt_long(CURL *handle, CURLoption option, long value);
#endif
