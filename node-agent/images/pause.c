/* The pod sandbox's "pause" process for Troupe's local images: PID 1 of the pod when the PID
   namespace is shared, so it reaps zombies; it sleeps until SIGINT or SIGTERM and then exits 0.
   Built statically (gcc -static -O2 -s) by scripts/images so the image needs nothing else. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_handler = on_child;
  sa.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  if (getpid() != 1) fprintf(stderr, "pause: warning: not running as PID 1\n");
  for (;;) pause();
  return 1;
}
