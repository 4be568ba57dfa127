/*
 * alert_echo — the machine's own floor for bench/alert-latency: a libmosquitto client that
 * subscribes as gridwatch does (QoS 1, TCP_NODELAY, 1,000 in flight) to every telemetry
 * topic (a clean session: a persistent one left behind would have the broker queue for it
 * while gridwatch is measured; connected, the broker's work per message is the same), and answers each smoke alarm at once with a ticket_opened-shaped
 * message on the alerts topic. No journal, no database, no rules: what is left of an alert's
 * latency is the two broker hops and this machine's scheduling under the same load.
 *
 *   alert_echo --host H --port P [--client-id ID]
 *
 * Subscribes to gridwatch/+/+/+/telemetry; for a message on gridwatch/C/smoke/ID/telemetry
 * whose payload holds "alarm":true, publishes {"event":"ticket_opened","device":"ID"} to
 * gridwatch/C/alerts/echo at QoS 1 from inside on_message (libmosquitto's own thread, as
 * gridwatch's network thread journals there). Prints "READY" once subscribed; runs until
 * SIGTERM or SIGINT.
 *
 * Build: gcc -O2 -Wall -o bench/bin/alert_echo bench/alert_echo.c -lmosquitto -lpthread
 */
#define _GNU_SOURCE
#include <mosquitto.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;
static volatile bool subscribed;

static void on_signal(int signal) { (void)signal; stopping = 1; }

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg) {
	(void)obj;
	if (!msg->payload || !memmem(msg->payload, (size_t)msg->payloadlen, "\"alarm\":true", 12)) return;
	char **parts = NULL;
	int count = 0;
	if (mosquitto_sub_topic_tokenise(msg->topic, &parts, &count) != MOSQ_ERR_SUCCESS) return;
	if (count == 5 && parts[2] && !strcmp(parts[2], "smoke")) {
		char topic[256], payload[256];
		snprintf(topic, sizeof topic, "gridwatch/%.100s/alerts/echo", parts[1]);
		int length = snprintf(payload, sizeof payload, "{\"event\":\"ticket_opened\",\"device\":\"%.100s\"}", parts[3]);
		mosquitto_publish(m, NULL, topic, length, payload, 1, false);
	}
	mosquitto_sub_topic_tokens_free(&parts, count);
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int qos_count, const int *granted) {
	(void)m; (void)obj; (void)mid; (void)qos_count; (void)granted;
	subscribed = true;
}

int main(int argc, char **argv) {
	const char *host = "127.0.0.1", *client_id = "gridwatch-alert-echo";
	int port = 1883;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--host")) host = argv[i + 1];
		else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--client-id")) client_id = argv[i + 1];
		else { fprintf(stderr, "alert_echo: unknown argument %s\n", argv[i]); return 2; }
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	mosquitto_lib_init();
	struct mosquitto *m = mosquitto_new(client_id, true, NULL);
	mosquitto_message_callback_set(m, on_message);
	mosquitto_subscribe_callback_set(m, on_subscribe);
	mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
	mosquitto_max_inflight_messages_set(m, 1000);
	if (mosquitto_connect(m, host, port, 30) != MOSQ_ERR_SUCCESS) { fprintf(stderr, "alert_echo: cannot connect\n"); return 1; }
	mosquitto_loop_start(m);
	mosquitto_subscribe(m, NULL, "gridwatch/+/+/+/telemetry", 1);
	for (int i = 0; i < 500 && !subscribed; i++) usleep(10000);
	if (!subscribed) { fprintf(stderr, "alert_echo: no SUBACK\n"); return 1; }
	printf("READY\n");
	fflush(stdout);
	while (!stopping) usleep(50000);
	mosquitto_disconnect(m);
	mosquitto_loop_stop(m, false);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	return 0;
}
