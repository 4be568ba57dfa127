# bench/lib.sh — what the benchmarks share: time, processes, free ports, a fresh mosquitto.
# Sourced by bench/ingest and bench/cluster after they define log, die, TMP and MOSQUITTO.

# microseconds since the epoch, without forking (EPOCHREALTIME's separator follows the locale)
now_us() { local t=$EPOCHREALTIME; echo "${t//[.,]/}"; }
alive() { kill -0 "$1" 2>/dev/null; }
# json_field FILE KEY: one field of the single JSON line in FILE
json_field() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())[sys.argv[2]])' "$1" "$2"; }
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
show_log() { [ -f "$1" ] && { echo "---- tail of $1" >&2; tail -n 20 "$1" >&2; } || true; }

# stop PID [grace seconds]: SIGTERM, wait for it to exit, SIGKILL after the grace period.
stop() {
	local pid=$1 grace=${2:-30} i
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < grace * 20; i++)); do alive "$pid" || break; sleep 0.05; done
	if alive "$pid"; then
		log "pid $pid still running ${grace}s after SIGTERM; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

# start_broker RUN: fresh mosquitto on a free port; sets MQ_PID and MQ_PORT.
start_broker() {
	local dir=$TMP/broker.$1 i
	mkdir -p "$dir"
	MQ_PORT=$(free_port)
	sed -E -e "s|^listener[[:space:]]+[0-9]+|listener $MQ_PORT|" \
		-e "s|^persistence_location[[:space:]].*|persistence_location $dir/|" \
		config/mosquitto.conf > "$dir/mosquitto.conf"
	grep -q "^listener $MQ_PORT 127.0.0.1" "$dir/mosquitto.conf" ||
		die "could not rewrite the listener line of config/mosquitto.conf"
	grep -q "^persistence_location $dir/" "$dir/mosquitto.conf" ||
		die "could not rewrite persistence_location in config/mosquitto.conf"
	# As root mosquitto drops to its own user, which cannot write our temp dir.
	[ "$(id -u)" -eq 0 ] && echo "user root" >> "$dir/mosquitto.conf"
	"$MOSQUITTO" -c "$dir/mosquitto.conf" > "$dir/mosquitto.log" 2>&1 &
	MQ_PID=$!
	for ((i = 0; i < 200; i++)); do
		alive "$MQ_PID" || { show_log "$dir/mosquitto.log"; die "mosquitto exited at start"; }
		if (: > "/dev/tcp/127.0.0.1/$MQ_PORT") 2>/dev/null; then return 0; fi
		sleep 0.05
	done
	show_log "$dir/mosquitto.log"
	die "mosquitto did not accept connections on 127.0.0.1:$MQ_PORT within 10 s"
}

