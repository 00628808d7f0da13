#ifndef CVIPS_SHIM_H
#define CVIPS_SHIM_H
#include <vips/vips.h>
/// Fixed-signature wrappers of libvips' variadic and macro API live here.
int msgflo_vips_init(const char *argv0);
#endif
