/* The smallest program: a compiler whose sanitizer runtime builds and runs it works here. */
int main(void) { return 0; }
