#include "config.h"
#include "accel.h"
#include <errno.h>
static int p(const char **why){*why="not built"; return -ENOTSUP;}
const struct vmm_accel_ops vmm_accel_kvm = { .name="kvm", .probe=p };
