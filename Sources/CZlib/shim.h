// The system's zlib (Debian's zlib1g-dev, part of the Swift toolchain's own requirements on Linux; in the SDK on
// macOS), for reading gzip files as they are distributed (Sources/Backprop/Formats/Data/Gzip.swift).
#include <zlib.h>
