/*
 * Kafka-protocol test cluster for backend-bench's tests: librdkafka's mock cluster (rdkafka_mock.h), hosted in a
 * process of its own so kafkajs can talk to it over loopback.
 *
 * It is real Kafka wire protocol (produce, fetch, consumer groups, offset commit/fetch, list offsets), not a real
 * Kafka: no disks, no replication delays. Good for adapter, lag and SLO logic; meaningless for latency figures.
 *
 * Usage: mock-cluster [--brokers N] [--topic NAME:PARTITIONS]...
 * Prints one line, the bootstrap servers ("127.0.0.1:port,..."), then runs until stdin closes (the parent test
 * process went away) or SIGTERM/SIGINT arrives. Meanwhile it takes commands on stdin (see run_command).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void die(const char *what) {
  fprintf(stderr, "mock-cluster: %s\n", what);
  exit(2);
}

/* "name:partitions" → creates the topic with that many partitions (replication = number of brokers, max 3). */
static void create_topic(rd_kafka_mock_cluster_t *cluster, const char *spec, int brokers) {
  char name[256];
  const char *colon = strrchr(spec, ':');
  if (colon == NULL || colon == spec || (size_t)(colon - spec) >= sizeof(name)) die("--topic expects NAME:PARTITIONS");
  memcpy(name, spec, (size_t)(colon - spec));
  name[colon - spec] = '\0';
  char *end = NULL;
  long partitions = strtol(colon + 1, &end, 10);
  if (*end != '\0' || partitions < 1 || partitions > 1000) die("--topic partitions must be 1..1000");
  int replication = brokers < 3 ? brokers : 3;
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, name, (int)partitions, replication);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fprintf(stderr, "mock-cluster: cannot create topic %s: %s\n", name, rd_kafka_err2str(err));
    exit(2);
  }
}

/*
 * One command per stdin line, so a test can take brokers away mid-run and bring them back:
 *   down <broker id>   closes the broker's connections and refuses new ones
 *   up <broker id>     accepts connections again
 * Acknowledged with "ok <line>" or "error <line>" on stdout.
 */
static void run_command(rd_kafka_mock_cluster_t *cluster, const char *line) {
  int broker = 0;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__INVALID_ARG;
  if (sscanf(line, "down %d", &broker) == 1) err = rd_kafka_mock_broker_set_down(cluster, broker);
  else if (sscanf(line, "up %d", &broker) == 1) err = rd_kafka_mock_broker_set_up(cluster, broker);
  printf("%s %s\n", err == RD_KAFKA_RESP_ERR_NO_ERROR ? "ok" : "error", line);
  fflush(stdout);
}

/* Runs stdin commands until stdin reaches EOF or a stop signal arrives; polls so a signal is seen within 200 ms. */
static void serve_until_stop(rd_kafka_mock_cluster_t *cluster) {
  char pending[512];
  size_t used = 0;
  struct pollfd in = {.fd = STDIN_FILENO, .events = POLLIN};
  while (!stop_requested) {
    int ready = poll(&in, 1, 200);
    if (ready < 0 && errno != EINTR) return;
    if (ready <= 0) continue;
    ssize_t n = read(STDIN_FILENO, pending + used, sizeof(pending) - 1 - used);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return;
    used += (size_t)n;
    pending[used] = '\0';
    char *newline;
    while ((newline = strchr(pending, '\n')) != NULL) {
      *newline = '\0';
      run_command(cluster, pending);
      used -= (size_t)(newline + 1 - pending);
      memmove(pending, newline + 1, used + 1);
    }
    if (used == sizeof(pending) - 1) used = 0; /* an overlong line is dropped */
  }
}

int main(int argc, char **argv) {
  int brokers = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--brokers") == 0 && i + 1 < argc) {
      brokers = atoi(argv[++i]);
      if (brokers < 1 || brokers > 9) die("--brokers must be 1..9");
    } else if (strcmp(argv[i], "--topic") == 0 && i + 1 < argc) {
      i++; /* topics are created once the cluster exists, below */
    } else {
      die("usage: mock-cluster [--brokers N] [--topic NAME:PARTITIONS]...");
    }
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  /* The mock cluster needs an rd_kafka_t for its bookkeeping; this handle is otherwise idle. */
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) die(errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == NULL) die(errstr);

  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (cluster == NULL) die("rd_kafka_mock_cluster_new failed");

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--topic") == 0) create_topic(cluster, argv[++i], brokers);
    else if (strcmp(argv[i], "--brokers") == 0) i++;
  }

  printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);

  serve_until_stop(cluster);

  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
