/* A program with a thread: ThreadSanitizer works here if this builds and runs. */
#include <pthread.h>
static void *f(void *a) { return a; }
int main(void) { pthread_t t; if (pthread_create(&t, 0, f, 0)) return 1; return pthread_join(t, 0); }
