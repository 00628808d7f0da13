#include "CVipsShim.h"
int msgflo_vips_init(const char *argv0) { return VIPS_INIT(argv0); }
