/* noop: the benchmark baseline — a static C plugin that prints nothing. */
int main(void) { return 0; }
