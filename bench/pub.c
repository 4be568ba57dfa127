/*
 * pub — fast QoS 1 telemetry publisher for the gridwatch ingest benchmark.
 *
 *   pub --host H --port P --count N --inventory FILE.csv [--seq-start S]
 *       [--max-inflight K] [--client-id ID] [--rate R]
 *
 * Publishes N messages round-robin over the devices of an inventory CSV
 * (header: id,type,community,building,unit,resident,installed) to
 * gridwatch/{community}/{type}/{id}/telemetry, each a valid JSON reading for
 * the device's type (docs/design.md §1.4). Message k of a device
 * carries seq = S + k, so a later run with a larger --seq-start never repeats
 * a (device, seq) pair. Waits for every PUBACK, then prints one JSON line:
 *   {"published":N,"acked":N,"seconds":S,"rate":R}
 * where seconds runs from the first publish to the last PUBACK.
 *
 * Build: gcc -O2 -Wall -o bench/bin/pub bench/pub.c -lmosquitto -lpthread
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* No PUBACK for this long while messages are outstanding = give up. */
#define STALL_SECONDS 60
#define CONNACK_TIMEOUT_SECONDS 10

enum dev_type { DOOR, SMOKE, WATER_METER, WRISTBAND };

struct device {
	char *topic;        /* gridwatch/{community}/{type}/{id}/telemetry */
	enum dev_type type;
	uint64_t hash;      /* stable per device: seeds its "personality" */
	uint64_t sent;      /* messages published for this device so far */
};

/* ---- state shared between the main thread and libmosquitto's loop thread ---- */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int conn_state;     /* 0 waiting for CONNACK, 1 connected, -1 refused */
static int conn_rc;        /* CONNACK return code when refused */
static long published;     /* publishes handed to libmosquitto */
static long acked;         /* PUBACKs seen (on_publish) */
static bool waiting;       /* main thread is blocked on cond */

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "pub: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t epoch_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

/* splitmix64: cheap, good enough to make readings vary deterministically. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* Uniform double in [lo, hi) from random bits r. */
static double uni(uint64_t r, double lo, double hi)
{
	return lo + (hi - lo) * ((r >> 11) * (1.0 / 9007199254740992.0));
}

/* ---------------------------------- callbacks ---------------------------------- */

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
	(void)m; (void)obj;
	pthread_mutex_lock(&lock);
	if (rc == 0) {
		if (conn_state == 1)
			fprintf(stderr, "pub: reconnected\n");
		conn_state = 1;
	} else {
		conn_state = -1;
		conn_rc = rc;
	}
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc)
{
	(void)m; (void)obj;
	/* rc 0 = our own mosquitto_disconnect; otherwise the loop thread reconnects
	 * and re-sends the unacknowledged window by itself. */
	if (rc != 0)
		fprintf(stderr, "pub: connection lost (%s), reconnecting\n", mosquitto_strerror(rc));
}

static void on_publish(struct mosquitto *m, void *obj, int mid)
{
	(void)m; (void)obj; (void)mid;
	pthread_mutex_lock(&lock);
	acked++;
	if (waiting)
		pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}

/* ---------------------------------- inventory ---------------------------------- */

/* Splits one CSV line in place into at most max fields (RFC 4180 quoting:
 * "a ""b"", c" is one field). Returns the number of fields. */
static int csv_split(char *line, char **fields, int max)
{
	int n = 0;
	char *r = line, *w = line;
	while (n < max) {
		fields[n++] = w;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0') break;
				if (*r == '"') {
					if (r[1] == '"') { *w++ = '"'; r += 2; continue; }
					r++;
					break;
				}
				*w++ = *r++;
			}
		}
		while (*r && *r != ',')
			*w++ = *r++;
		if (*r == ',') {
			r++;
			*w++ = '\0';
		} else {
			*w = '\0';
			break;
		}
	}
	return n;
}

/* A topic level must be non-empty and free of MQTT separators and wildcards. */
static bool topic_level_ok(const char *s)
{
	return *s && !strpbrk(s, "/+#");
}

static struct device *load_inventory(const char *path, size_t *count)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot open inventory %s", path);

	char *line = NULL;
	size_t cap = 0, n = 0, alloc = 0;
	ssize_t len;
	long lineno = 0;
	int col_id = -1, col_type = -1, col_community = -1;
	struct device *devs = NULL;

	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		char *fld[32];
		int nf = csv_split(line, fld, 32);
		if (col_id < 0) {       /* header: locate columns by name */
			for (int i = 0; i < nf; i++) {
				if (!strcmp(fld[i], "id")) col_id = i;
				else if (!strcmp(fld[i], "type")) col_type = i;
				else if (!strcmp(fld[i], "community")) col_community = i;
			}
			if (col_id < 0 || col_type < 0 || col_community < 0)
				die("%s: header must name the columns id, type and community", path);
			continue;
		}
		int need = col_id > col_type ? col_id : col_type;
		if (col_community > need) need = col_community;
		if (nf <= need) {
			fprintf(stderr, "pub: %s:%ld: too few fields\n", path, lineno);
			exit(1);
		}
		const char *id = fld[col_id], *type = fld[col_type], *comm = fld[col_community];
		enum dev_type t;
		if (!strcmp(type, "door")) t = DOOR;
		else if (!strcmp(type, "smoke")) t = SMOKE;
		else if (!strcmp(type, "water_meter")) t = WATER_METER;
		else if (!strcmp(type, "wristband")) t = WRISTBAND;
		else {
			fprintf(stderr, "pub: %s:%ld: skipping device %s of unknown type '%s'\n",
				path, lineno, id, type);
			continue;
		}
		if (!topic_level_ok(id) || !topic_level_ok(comm)) {
			fprintf(stderr, "pub: %s:%ld: id and community must be non-empty, without / + #\n",
				path, lineno);
			exit(1);
		}
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			devs = realloc(devs, alloc * sizeof *devs);
			if (!devs) die("%s", "out of memory");
		}
		if (asprintf(&devs[n].topic, "gridwatch/%s/%s/%s/telemetry", comm, type, id) < 0)
			die("%s", "out of memory");
		devs[n].type = t;
		devs[n].hash = fnv1a(id);
		devs[n].sent = 0;
		n++;
	}
	free(line);
	fclose(f);
	if (n == 0)
		die("%s: no devices of a known type (door, smoke, water_meter, wristband)", path);
	*count = n;
	return devs;
}

/* ----------------------------------- payloads ----------------------------------- */

/*
 * One plausible, valid reading. Values stay in normal ranges (no alarms, falls,
 * leaks or forced doors), so a benchmark run measures ingestion rather than a
 * storm of tickets. Slow-moving quantities (battery, meter total, position)
 * derive from the device's hash and seq, so they are stable or monotonic
 * across messages and across runs with increasing --seq-start.
 */
static int make_payload(char *buf, size_t cap, const struct device *d, uint64_t seq, int64_t ts)
{
	uint64_t h = d->hash;
	uint64_t r1 = mix(h ^ (seq * 0x9e3779b97f4a7c15ULL));
	uint64_t r2 = mix(r1), r3 = mix(r2), r4 = mix(r3);
	int battery = 95 - (int)(h % 50) - (int)((seq / 5000) % 5);   /* 41..95 */

	switch (d->type) {
	case DOOR: {
		bool bell = r1 % 8 == 0;   /* mostly unlocks, the odd doorbell */
		return snprintf(buf, cap,
			"{\"ts\":%" PRId64 ",\"seq\":%" PRIu64 ",\"battery\":%d,"
			"\"event\":\"%s\",\"open\":%s,\"locked\":%s}",
			ts, seq, battery, bell ? "doorbell" : "unlock",
			bell ? "false" : "true", bell ? "true" : "false");
	}
	case SMOKE:
		return snprintf(buf, cap,
			"{\"ts\":%" PRId64 ",\"seq\":%" PRIu64 ",\"battery\":%d,"
			"\"alarm\":false,\"smoke\":%.3f,\"temp_c\":%.1f,\"test\":false,\"tamper\":false}",
			ts, seq, battery, uni(r1, 0.0, 0.05), uni(r2, 18.0, 30.0));
	case WATER_METER: {
		/* cumulative: a per-device start plus 1.5 litres per reading */
		double total = (double)(h % 500000) / 1000.0 + (double)seq * 0.0015;
		bool flowing = r1 % 3 != 0;
		return snprintf(buf, cap,
			"{\"ts\":%" PRId64 ",\"seq\":%" PRIu64 ",\"battery\":%d,"
			"\"total_m3\":%.4f,\"flow_lph\":%.1f,\"pressure_kpa\":%.1f,"
			"\"valve\":\"open\",\"leak\":false}",
			ts, seq, battery, total, flowing ? uni(r2, 5.0, 200.0) : 0.0,
			uni(r3, 250.0, 400.0));
	}
	case WRISTBAND: {
		/* the resident stays within ~100 m of home (Hangzhou, say) */
		double lat = 30.2700 + (double)(h % 1000) * 1e-5 + uni(r3, -5e-4, 5e-4);
		double lon = 120.1500 + (double)((h >> 20) % 1000) * 1e-5 + uni(r4, -5e-4, 5e-4);
		return snprintf(buf, cap,
			"{\"ts\":%" PRId64 ",\"seq\":%" PRIu64 ",\"battery\":%d,"
			"\"hr_bpm\":%d,\"spo2\":%d,\"steps\":%" PRIu64 ",\"fall\":false,\"sos\":false,"
			"\"worn\":true,\"lat\":%.6f,\"lon\":%.6f,\"skin_temp_c\":%.1f}",
			ts, seq, battery, 50 + (int)(r1 % 61), 94 + (int)(r2 % 6),
			(seq * 7) % 20000, lat, lon, uni(r4, 32.0, 35.5));
	}
	}
	return -1;
}

/* ------------------------------------- main ------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: pub --host H --port P --count N --inventory FILE.csv [--seq-start S]\n"
		"           [--max-inflight K (default 1000)] [--client-id ID]\n"
		"           [--rate R msgs/s, 0 = as fast as possible]\n");
	exit(2);
}

static long parse_long(const char *opt, const char *s, long min)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min) {
		fprintf(stderr, "pub: %s wants an integer >= %ld, got '%s'\n", opt, min, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *host = NULL, *inventory = NULL, *client_id = NULL;
	long port = -1, count = -1, seq_start = 0, max_inflight = 1000, rate = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) usage();
		if (i + 1 >= argc) usage();
		const char *v = argv[++i];
		if (!strcmp(a, "--host")) host = v;
		else if (!strcmp(a, "--port")) port = parse_long(a, v, 1);
		else if (!strcmp(a, "--count")) count = parse_long(a, v, 0);
		else if (!strcmp(a, "--inventory")) inventory = v;
		else if (!strcmp(a, "--seq-start")) seq_start = parse_long(a, v, 0);
		else if (!strcmp(a, "--max-inflight")) max_inflight = parse_long(a, v, 1);
		else if (!strcmp(a, "--client-id")) client_id = v;
		else if (!strcmp(a, "--rate")) rate = parse_long(a, v, 0);
		else usage();
	}
	if (!host || port < 0 || port > 65535 || count < 0 || !inventory)
		usage();

	size_t ndev;
	struct device *devs = load_inventory(inventory, &ndev);

	char default_id[64];
	if (!client_id) {
		snprintf(default_id, sizeof default_id, "gridwatch-bench-pub-%ld", (long)getpid());
		client_id = default_id;
	}

	mosquitto_lib_init();
	struct mosquitto *mosq = mosquitto_new(client_id, true, NULL);
	if (!mosq)
		die("mosquitto_new: %s", strerror(errno));
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	mosquitto_publish_callback_set(mosq, on_publish);
	/* Keep libmosquitto's own window at least as wide as ours, so it sends every
	 * message at once instead of parking some in its internal queue. */
	mosquitto_max_inflight_messages_set(mosq, max_inflight > 65535 ? 65535 : (unsigned)max_inflight);

	char where[300];
	snprintf(where, sizeof where, "%s:%ld", host, port);
	int rc = mosquitto_connect(mosq, host, (int)port, 60);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "pub: cannot connect to %s: %s\n", where,
			rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		return 1;
	}
	rc = mosquitto_loop_start(mosq);
	if (rc != MOSQ_ERR_SUCCESS)
		die("mosquitto_loop_start: %s", mosquitto_strerror(rc));

	/* Wait for CONNACK before the first publish: libmosquitto 2.0.11 re-sends its
	 * whole in-flight window when CONNACK arrives, so messages published
	 * earlier would go out twice (duplicates at the broker and skewed counts). */
	pthread_mutex_lock(&lock);
	struct timespec dl = deadline_in(CONNACK_TIMEOUT_SECONDS);
	while (conn_state == 0)
		if (pthread_cond_timedwait(&cond, &lock, &dl) == ETIMEDOUT)
			break;
	int state = conn_state, crc = conn_rc;
	pthread_mutex_unlock(&lock);
	if (state != 1) {
		fprintf(stderr, "pub: %s: %s\n", where,
			state == 0 ? "no CONNACK within 10 s" : mosquitto_connack_string(crc));
		return 1;
	}

	char payload[512];
	double t0 = now_s();
	for (long i = 0; i < count; i++) {
		/* Flow control: at most max_inflight unacknowledged messages. Without it
		 * the publisher outruns the broker, libmosquitto buffers without bound and
		 * the figure measures memory growth, not sustained throughput. */
		pthread_mutex_lock(&lock);
		long last_acked = acked;
		double last_progress = now_s();
		while (published - acked >= max_inflight) {
			waiting = true;
			dl = deadline_in(1.0);
			pthread_cond_timedwait(&cond, &lock, &dl);
			waiting = false;
			if (acked != last_acked) {
				last_acked = acked;
				last_progress = now_s();
			} else if (now_s() - last_progress > STALL_SECONDS) {
				pthread_mutex_unlock(&lock);
				fprintf(stderr, "pub: no PUBACK for %d s (%ld of %ld acknowledged)\n",
					STALL_SECONDS, acked, published);
				return 1;
			}
		}
		published++;
		pthread_mutex_unlock(&lock);

		if (rate > 0) {   /* pace against the start time, so lateness does not accumulate */
			double ahead = t0 + (double)i / (double)rate - now_s();
			if (ahead > 0) {
				struct timespec ts = { (time_t)ahead, (long)((ahead - (long)ahead) * 1e9) };
				nanosleep(&ts, NULL);
			}
		}

		struct device *d = &devs[(size_t)i % ndev];
		uint64_t seq = (uint64_t)seq_start + d->sent++;
		int len = make_payload(payload, sizeof payload, d, seq, epoch_ms());
		if (len < 0 || (size_t)len >= sizeof payload)
			die("%s", "payload does not fit its buffer");
		rc = mosquitto_publish(mosq, NULL, d->topic, len, payload, 1, false);
		if (rc != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "pub: publish %ld to %s failed: %s\n", i, where,
				rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
			return 1;
		}
	}

	/* Every message counts only once the broker has acknowledged it. */
	pthread_mutex_lock(&lock);
	long last_acked = acked;
	double last_progress = now_s();
	while (acked < published) {
		waiting = true;
		dl = deadline_in(1.0);
		pthread_cond_timedwait(&cond, &lock, &dl);
		waiting = false;
		if (acked != last_acked) {
			last_acked = acked;
			last_progress = now_s();
		} else if (now_s() - last_progress > STALL_SECONDS) {
			pthread_mutex_unlock(&lock);
			fprintf(stderr, "pub: no PUBACK for %d s (%ld of %ld acknowledged)\n",
				STALL_SECONDS, acked, published);
			return 1;
		}
	}
	long n_pub = published, n_ack = acked;
	pthread_mutex_unlock(&lock);
	double secs = now_s() - t0;

	mosquitto_disconnect(mosq);
	mosquitto_loop_stop(mosq, false);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	for (size_t i = 0; i < ndev; i++)
		free(devs[i].topic);
	free(devs);

	printf("{\"published\":%ld,\"acked\":%ld,\"seconds\":%.3f,\"rate\":%.0f}\n",
		n_pub, n_ack, secs, secs > 0 ? (double)n_ack / secs : 0.0);
	return 0;
}
