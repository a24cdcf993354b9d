// zlib (Debian: `apt-get install zlib1g-dev`), for gzip-compressed data sets and PNG images.
#ifndef VARIATIONAL_CZLIB_SHIM_H
#define VARIATIONAL_CZLIB_SHIM_H
#include <zlib.h>
#endif
