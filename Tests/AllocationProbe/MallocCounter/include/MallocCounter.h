// Counts the heap allocations of the process it is linked into (Linux/glibc only): used by the AllocationProbe
// executable, never by the library.
#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H

/// Every malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign since the process started.
long malloc_counter_allocations(void);

/// While on (non-zero), every allocation also prints its call stack to standard error: a diagnostic.
void malloc_counter_trace(int on);

#endif
