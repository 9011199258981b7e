/* A program that leaks: LeakSanitizer works here if it reports this. */
#include <stdlib.h>
void *volatile p;
int main(void) { p = malloc(33); p = 0; return 0; }
