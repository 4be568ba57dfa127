/*
 * alert_probe — how long from a sensor's emergency reading to the alert reaching staff.
 *
 *   alert_probe --host H --port P --devices FILE --count N --interval-ms MS
 *               [--sse-command "curl -sN ... /api/v1/events"] [--community C] [--order FILE]
 *
 * FILE lists smoke detector ids, one per line, each unused so far (one fresh ticket each).
 * For each of N devices: publish {"alarm": true, ...} to gridwatch/C/smoke/ID/telemetry at
 * QoS 1, noting the time just before mosquitto_publish; then wait (up to 5 s) until the
 * ticket_opened event naming that device has arrived both (a) on MQTT
 * gridwatch/+/alerts/# (subscribed here at QoS 1) and (b) on the SSE stream read from the
 * --sse-command's stdout (without one, MQTT alone: bench/alert_echo's reference). Prints one JSON line:
 *   {"samples":N,"mqtt_ms":[...],"sse_ms":[...],"missing_mqtt":M,"missing_sse":S}
 * with the per-sample latencies in milliseconds (CLOCK_REALTIME on both sides). --order FILE
 * also writes each alarm in the order sent: its send time (epoch ms) and its MQTT latency
 * (-1 if none came), so a caller can tell which alarms fell in some window of time.
 *
 * Build: gcc -O2 -Wall -o bench/bin/alert_probe bench/alert_probe.c -lmosquitto -lpthread
 */
#define _GNU_SOURCE
#include <mosquitto.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 10000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arrived = PTHREAD_COND_INITIALIZER;
static char current[128];          /* the device of the sample in flight */
static double mqtt_at, sse_at;     /* arrival times of its event, 0 until seen */
static volatile bool subscribed;

static double now_ms(void) {
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* Marks an arrival when `text` is the ticket_opened event of the current device. */
static void saw(const char *text, size_t length, bool from_mqtt) {
	double at = now_ms();
	if (!memmem(text, length, "\"event\":\"ticket_opened\"", 23)) return;
	pthread_mutex_lock(&lock);
	char needle[160];
	int n = snprintf(needle, sizeof needle, "\"device\":\"%s\"", current);
	if (current[0] && memmem(text, length, needle, (size_t)n)) {
		if (from_mqtt && mqtt_at == 0) mqtt_at = at;
		if (!from_mqtt && sse_at == 0) sse_at = at;
		pthread_cond_broadcast(&arrived);
	}
	pthread_mutex_unlock(&lock);
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg) {
	(void)m; (void)obj;
	saw(msg->payload, (size_t)msg->payloadlen, true);
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int qos_count, const int *granted) {
	(void)m; (void)obj; (void)mid; (void)qos_count; (void)granted;
	subscribed = true;
}

static void *read_sse(void *arg) {
	FILE *stream = arg;
	char *line = NULL;
	size_t capacity = 0;
	ssize_t length;
	while ((length = getline(&line, &capacity, stream)) > 0)
		if (strncmp(line, "data: ", 6) == 0) saw(line, (size_t)length, false);
	free(line);
	return NULL;
}

static int compare(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void print_list(const char *name, double *values, int count) {
	printf("\"%s\":[", name);
	for (int i = 0; i < count; i++) printf("%s%.3f", i ? "," : "", values[i]);
	printf("]");
}

int main(int argc, char **argv) {
	const char *host = "127.0.0.1", *devices_path = NULL, *sse_command = NULL, *community = "lat", *order_path = NULL;
	int port = 1883, count = 100, interval_ms = 50;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--host")) host = argv[i + 1];
		else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--devices")) devices_path = argv[i + 1];
		else if (!strcmp(argv[i], "--count")) count = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--interval-ms")) interval_ms = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--sse-command")) sse_command = argv[i + 1];
		else if (!strcmp(argv[i], "--community")) community = argv[i + 1];
		else if (!strcmp(argv[i], "--order")) order_path = argv[i + 1];
		else { fprintf(stderr, "alert_probe: unknown argument %s\n", argv[i]); return 2; }
	}
	if (!devices_path || count < 1 || count > MAX_SAMPLES) {
		fprintf(stderr, "alert_probe: --devices FILE is required; --count 1..%d\n", MAX_SAMPLES);
		return 2;
	}
	FILE *list = fopen(devices_path, "r");
	if (!list) { perror(devices_path); return 1; }
	static char ids[MAX_SAMPLES][128];
	int available = 0;
	while (available < count && fgets(ids[available], sizeof ids[0], list)) {
		ids[available][strcspn(ids[available], "\r\n")] = 0;
		if (ids[available][0]) available++;
	}
	fclose(list);
	if (available < count) { fprintf(stderr, "alert_probe: only %d devices in %s\n", available, devices_path); return 1; }

	if (sse_command) {
		FILE *sse = popen(sse_command, "r");
		if (!sse) { perror("popen"); return 1; }
		pthread_t reader;
		pthread_create(&reader, NULL, read_sse, sse);
	}

	mosquitto_lib_init();
	struct mosquitto *m = mosquitto_new("gridwatch-alert-probe", true, NULL);
	mosquitto_message_callback_set(m, on_message);
	mosquitto_subscribe_callback_set(m, on_subscribe);
	/* A sensor's publish leaves at once (Nagle would hold it behind our own acknowledgements). */
	mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
	if (mosquitto_connect(m, host, port, 30) != MOSQ_ERR_SUCCESS) { fprintf(stderr, "alert_probe: cannot connect\n"); return 1; }
	mosquitto_loop_start(m);
	mosquitto_subscribe(m, NULL, "gridwatch/+/alerts/#", 1);
	for (int i = 0; i < 200 && !subscribed; i++) usleep(10000);
	usleep(500000); /* the SSE stream connects meanwhile */

	static double mqtt_ms[MAX_SAMPLES], sse_ms[MAX_SAMPLES];
	int mqtt_count = 0, sse_count = 0;
	FILE *order_file = order_path ? fopen(order_path, "w") : NULL;
	if (order_path && !order_file) { fprintf(stderr, "alert_probe: cannot write %s\n", order_path); return 1; }
	for (int i = 0; i < count; i++) {
		char topic[256], payload[256];
		snprintf(topic, sizeof topic, "gridwatch/%.60s/smoke/%.100s/telemetry", community, ids[i]);
		pthread_mutex_lock(&lock);
		snprintf(current, sizeof current, "%.100s", ids[i]);
		mqtt_at = sse_at = 0;
		double sent = now_ms();
		snprintf(payload, sizeof payload, "{\"ts\":%.0f,\"seq\":1,\"alarm\":true,\"smoke\":14.2,\"temp_c\":31.5,\"test\":false,\"battery\":90}", sent);
		pthread_mutex_unlock(&lock);
		sent = now_ms();
		mosquitto_publish(m, NULL, topic, (int)strlen(payload), payload, 1, false);
		struct timespec deadline;
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 5;
		pthread_mutex_lock(&lock);
		while ((mqtt_at == 0 || (sse_command && sse_at == 0)) && pthread_cond_timedwait(&arrived, &lock, &deadline) == 0) {}
		if (mqtt_at > 0) mqtt_ms[mqtt_count++] = mqtt_at - sent;
		if (order_file) fprintf(order_file, "%.3f %.3f\n", sent, mqtt_at > 0 ? mqtt_at - sent : -1.0);
		if (sse_at > 0) sse_ms[sse_count++] = sse_at - sent;
		current[0] = 0;
		pthread_mutex_unlock(&lock);
		usleep((useconds_t)interval_ms * 1000);
	}
	if (order_file) fclose(order_file);
	qsort(mqtt_ms, (size_t)mqtt_count, sizeof(double), compare);
	qsort(sse_ms, (size_t)sse_count, sizeof(double), compare);
	printf("{\"samples\":%d,", count);
	print_list("mqtt_ms", mqtt_ms, mqtt_count);
	printf(",");
	print_list("sse_ms", sse_ms, sse_count);
	printf(",\"missing_mqtt\":%d,\"missing_sse\":%d}\n", count - mqtt_count, sse_command ? count - sse_count : 0);
	fflush(stdout);
	mosquitto_disconnect(m);
	mosquitto_loop_stop(m, false);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	_exit(0); /* the SSE reader blocks on a stream that never ends; the caller kills curl */
}
