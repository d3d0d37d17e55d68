/* fuzz_main: runs a libFuzzer target over its seed corpus without libFuzzer.
 *
 * `make check` links every *_fuzz target with this driver so each corpus is
 * replayed once as a regression test (with SAN=1 under ASan+UBSan). With no
 * arguments it reads FUZZ_CORPUS, the target's corpus directory fixed at build
 * time; otherwise every argument is a file or a directory of files.
 * Exit 0 when every input ran (a crash aborts), 1 when the corpus is missing
 * or empty: a target without seeds tests nothing. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); return -1; }
  size_t cap = 4096, len = 0;
  unsigned char *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  if (!buf) { fprintf(stderr, "%s: out of memory\n", path); return -1; }
  /* an exact-size copy, so ASan sees reads past the end of the input */
  unsigned char *exact = malloc(len ? len : 1);
  memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 1;
}

static int run_path(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) { perror(path); return -1; }
  if (!S_ISDIR(st.st_mode)) return run_file(path);
  DIR *d = opendir(path);
  if (!d) { perror(path); return -1; }
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
    int r = run_path(sub);
    if (r < 0) { closedir(d); return -1; }
    count += r;
  }
  closedir(d);
  return count;
}

int main(int argc, char **argv) {
  int count = 0;
  if (argc < 2) {
#ifdef FUZZ_CORPUS
    count = run_path(FUZZ_CORPUS);
#endif
  }
  for (int i = 1; i < argc && count >= 0; i++) {
    int r = run_path(argv[i]);
    count = r < 0 ? -1 : count + r;
  }
  if (count <= 0) {
    fprintf(stderr, "%s: no corpus inputs ran\n", argv[0]);
    return 1;
  }
  printf("ok: %d inputs\n", count);
  return 0;
}
