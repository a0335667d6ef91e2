/* Callgrind's client requests for bench/cpu/worker.py (compiled on demand, loaded with ctypes):
   outside valgrind each is a no-op, under `valgrind --tool=callgrind --instr-atstart=no` they
   count the instructions of the measured requests only, not those of Python's and Django's start. */
#include <valgrind/callgrind.h>

void cg_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void cg_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
void cg_zero(void) { CALLGRIND_ZERO_STATS; }
void cg_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
