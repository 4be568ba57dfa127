/*
 * sub — bare libmosquitto QoS 1 subscriber: the ceiling of this machine's MQTT
 * path, to compare gridwatch's ingest rate against.
 *
 *   sub --host H --port P --count N [--topic T] [--client-id ID] [--timeout SECONDS]
 *
 * Runs libmosquitto threaded (mosquitto_loop_start), as gridwatch does, so the
 * PUBACK for each message is written only after on_message returns. Prints
 * READY on stderr once the SUBACK arrives; when N messages have arrived prints
 *   {"received":N,"seconds":S,"rate":R,"cpu_s":C}
 * with seconds running from the first message to the N-th, and C the CPU time
 * (utime + stime from /proc/self/stat) this process spent between READY and the
 * N-th message, so the bench can set it beside gridwatch's. On timeout prints
 * the same line for what did arrive and exits 1.
 *
 * Build: gcc -O2 -Wall -o bench/bin/sub bench/sub.c -lmosquitto -lpthread
 */
#include <errno.h>
#include <mosquitto.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static const char *topic_filter = "gridwatch/+/+/+/telemetry";
static long target;
static int conn_state;          /* 0 waiting, 1 connected, -1 refused */
static int conn_rc;
static bool ready_printed;

/* Written only by libmosquitto's loop thread; the main thread reads them
 * after the N-th message has been signalled (or, approximately, on timeout). */
static atomic_long received;
static double t_first, t_last, t_target;   /* first, latest, N-th message */
static char *copy_buf;
static size_t copy_cap;
/* A byte of every copy lands here; volatile, so the copies cannot be optimised away. */
static volatile unsigned char sink;
/* CPU ticks (utime + stime) at READY: the baseline of cpu_s. */
static long long cpu_ticks_ready;

/* utime + stime of this process, in clock ticks, from /proc/self/stat (-1 if unreadable). */
static long long cpu_ticks(void)
{
	char buf[1024];
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces: count fields after its closing ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	unsigned long long utime = 0, stime = 0;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct timespec deadline_in(double seconds)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	long ns = ts.tv_nsec + (long)((seconds - (long)seconds) * 1e9);
	ts.tv_sec += (time_t)seconds + ns / 1000000000L;
	ts.tv_nsec = ns % 1000000000L;
	return ts;
}

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
	(void)obj;
	pthread_mutex_lock(&lock);
	if (rc == 0) {
		conn_state = 1;
		/* (Re)subscribe on every connect: the session is clean. */
		int src = mosquitto_subscribe(m, NULL, topic_filter, 1);
		if (src != MOSQ_ERR_SUCCESS)
			fprintf(stderr, "sub: subscribe failed: %s\n", mosquitto_strerror(src));
	} else {
		conn_state = -1;
		conn_rc = rc;
	}
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int qos_count, const int *granted)
{
	(void)m; (void)obj; (void)mid;
	if (qos_count < 1 || granted[0] > 2) {   /* 0x80: the broker refused */
		fprintf(stderr, "sub: subscription to %s refused\n", topic_filter);
		exit(1);
	}
	if (!ready_printed) {
		ready_printed = true;
		cpu_ticks_ready = cpu_ticks();
		fprintf(stderr, "READY\n");
		fflush(stderr);
	}
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc)
{
	(void)m; (void)obj;
	if (rc != 0)
		fprintf(stderr, "sub: connection lost (%s), reconnecting\n", mosquitto_strerror(rc));
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
	(void)m; (void)obj;
	/* libmosquitto frees the message when this returns: a real consumer must
	 * copy topic and payload out, so the benchmark pays for that too. */
	size_t tlen = strlen(msg->topic);
	size_t need = tlen + 1 + (size_t)msg->payloadlen;
	if (need > copy_cap) {
		copy_cap = need * 2;
		copy_buf = realloc(copy_buf, copy_cap);
		if (!copy_buf) {
			fprintf(stderr, "sub: out of memory\n");
			exit(1);
		}
	}
	memcpy(copy_buf, msg->topic, tlen + 1);
	memcpy(copy_buf + tlen + 1, msg->payload, (size_t)msg->payloadlen);
	sink ^= (unsigned char)copy_buf[need - 1];

	double t = now_s();
	long n = atomic_load_explicit(&received, memory_order_relaxed);
	if (n == 0)
		t_first = t;
	t_last = t;
	atomic_store(&received, n + 1);
	if (n + 1 == target) {
		t_target = t;
		pthread_mutex_lock(&lock);
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sub --host H --port P --count N [--topic T (default gridwatch/+/+/+/telemetry)]\n"
		"           [--client-id ID] [--timeout SECONDS (default 300)]\n");
	exit(2);
}

static long parse_long(const char *opt, const char *s, long min)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min) {
		fprintf(stderr, "sub: %s wants an integer >= %ld, got '%s'\n", opt, min, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *host = NULL, *client_id = NULL;
	long port = -1, timeout = 300;
	target = -1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) usage();
		if (i + 1 >= argc) usage();
		const char *v = argv[++i];
		if (!strcmp(a, "--host")) host = v;
		else if (!strcmp(a, "--port")) port = parse_long(a, v, 1);
		else if (!strcmp(a, "--count")) target = parse_long(a, v, 1);
		else if (!strcmp(a, "--topic")) topic_filter = v;
		else if (!strcmp(a, "--client-id")) client_id = v;
		else if (!strcmp(a, "--timeout")) timeout = parse_long(a, v, 1);
		else usage();
	}
	if (!host || port < 0 || port > 65535 || target < 1)
		usage();

	char default_id[64];
	if (!client_id) {
		snprintf(default_id, sizeof default_id, "gridwatch-bench-sub-%ld", (long)getpid());
		client_id = default_id;
	}

	mosquitto_lib_init();
	struct mosquitto *mosq = mosquitto_new(client_id, true, NULL);
	if (!mosq) {
		fprintf(stderr, "sub: mosquitto_new: %s\n", strerror(errno));
		return 1;
	}
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	mosquitto_message_callback_set(mosq, on_message);

	int rc = mosquitto_connect(mosq, host, (int)port, 60);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "sub: cannot connect to %s:%ld: %s\n", host, port,
			rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		return 1;
	}
	rc = mosquitto_loop_start(mosq);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "sub: mosquitto_loop_start: %s\n", mosquitto_strerror(rc));
		return 1;
	}

	/* Wait for the N-th message (on_message signals), the refusal, or the timeout. */
	struct timespec dl = deadline_in((double)timeout);
	bool timed_out = false;
	pthread_mutex_lock(&lock);
	while (atomic_load(&received) < target && conn_state >= 0) {
		if (pthread_cond_timedwait(&cond, &lock, &dl) == ETIMEDOUT) {
			timed_out = true;
			break;
		}
	}
	if (conn_state < 0) {
		fprintf(stderr, "sub: %s:%ld: %s\n", host, port, mosquitto_connack_string(conn_rc));
		return 1;
	}
	/* On timeout the loop thread may still be counting: take a snapshot. The
	 * values are only approximately consistent then, which is fine for a report. */
	long got = atomic_load(&received);
	if (got > target)
		got = target;
	double secs = got > 1 ? (got == target ? t_target : t_last) - t_first : 0.0;
	pthread_mutex_unlock(&lock);
	long long ticks = cpu_ticks();
	double cpu_s = ticks >= 0 && cpu_ticks_ready >= 0 ? (double)(ticks - cpu_ticks_ready) / sysconf(_SC_CLK_TCK) : -1;

	printf("{\"received\":%ld,\"seconds\":%.3f,\"rate\":%.0f,\"cpu_s\":%.2f}\n",
		got, secs, secs > 0 ? (double)got / secs : 0.0, cpu_s);
	fflush(stdout);
	if (timed_out) {
		fprintf(stderr, "sub: timeout after %ld s: %ld of %ld messages\n", timeout, got, target);
		_exit(1);   /* do not wait for a loop thread that may still be receiving */
	}

	mosquitto_disconnect(mosq);
	mosquitto_loop_stop(mosq, false);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	free(copy_buf);
	return 0;
}
