#include "CKernels.h"

// The check context of each thread (see CKernels.h).

static _Thread_local void *check_context;

void *variational_check_context(void) { return check_context; }

void variational_set_check_context(void *context) { check_context = context; }
