#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/ssl.h>

/// SSL_set_tlsext_host_name is a macro (SNI: the name the broker picks its certificate by).
int msgflo_ssl_set_server_name(SSL *ssl, const char *name);

/// SSL_CTX_set_min_proto_version and SSL_CTX_set_mode are macros: TLS 1.2 or
/// later, and a write may be retried from another buffer address (Swift
/// arrays move) after SSL_ERROR_WANT_WRITE on a non-blocking socket.
int msgflo_ssl_ctx_configure(SSL_CTX *ctx);
#endif
