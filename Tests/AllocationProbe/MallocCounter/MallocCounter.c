// Interposes glibc's allocation functions to count them, forwarding each call to glibc's own implementation
// (__libc_malloc and friends). Linked into the AllocationProbe executable with --export-dynamic, so that the Swift
// runtime and Foundation, which are shared libraries, call these definitions too.
#include "MallocCounter.h"
#include <errno.h>
#include <execinfo.h>
#include <unistd.h>
#include <stdatomic.h>
#include <stddef.h>

#if defined(__linux__)
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static _Atomic long allocations;

static _Atomic int tracing;
static _Thread_local int insideTrace;

// With tracing on, each allocation also writes its call stack to standard error (to find where it comes from).
static void count(void) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    if (atomic_load_explicit(&tracing, memory_order_relaxed) && !insideTrace) {
        insideTrace = 1;
        void *frames[24];
        int depth = backtrace(frames, 24);
        write(2, "--- allocation\n", 15);
        backtrace_symbols_fd(frames, depth, 2);
        insideTrace = 0;
    }
}

void *malloc(size_t size) { count(); return __libc_malloc(size); }
void *calloc(size_t count_, size_t size) { count(); return __libc_calloc(count_, size); }
void *realloc(void *pointer, size_t size) { count(); return __libc_realloc(pointer, size); }
void *memalign(size_t alignment, size_t size) { count(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { count(); return __libc_memalign(alignment, size); }
int posix_memalign(void **result, size_t alignment, size_t size) {
    count();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

long malloc_counter_allocations(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }
void malloc_counter_trace(int on) { atomic_store_explicit(&tracing, on, memory_order_relaxed); }
#else
long malloc_counter_allocations(void) { return -1; }
void malloc_counter_trace(int on) { (void)on; }
#endif
