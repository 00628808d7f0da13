#ifndef CRABBITMQ_SHIM_H
#define CRABBITMQ_SHIM_H
#include <amqp.h>

/// Fixed-signature wrapper of the variadic amqp_login (Swift cannot call variadics).
amqp_rpc_reply_t msgflo_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                         int channel_max, int frame_max, int heartbeat,
                                         const char *user, const char *password);
#endif
