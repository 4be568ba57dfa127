# bench/lib.sh — what the benchmarks share: time, processes, free ports, a fresh mosquitto.
# Sourced by bench/ingest, bench/cluster, bench/ingest-profile and bench/alert-latency after
# they define log and die (and TMP and MOSQUITTO where they start a broker through it).

# microseconds since the epoch, without forking (EPOCHREALTIME's separator follows the locale)
now_us() { local t=$EPOCHREALTIME; echo "${t//[.,]/}"; }
alive() { kill -0 "$1" 2>/dev/null; }
# json_field FILE KEY: one field of the single JSON line in FILE
json_field() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())[sys.argv[2]])' "$1" "$2"; }
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# cpu_ticks PID: utime + stime of a live process in clock ticks (getconf CLK_TCK a second),
# from /proc/PID/stat; the fields are counted after the command name's closing ')'.
cpu_ticks() {
	local stat
	stat=$(< "/proc/$1/stat") || return 1
	stat=${stat##*) }
	set -- $stat
	echo $((${12} + ${13}))
}
# thread_ticks PID: one line per live thread of PID, "TID<TAB>NAME<TAB>utime+stime ticks",
# from /proc/PID/task/TID/stat (the name is what the thread set, e.g. ingest, mqtt-...).
thread_ticks() {
	local stat name task
	for task in /proc/"$1"/task/*; do
		stat=$(< "$task/stat") 2>/dev/null || continue
		name=${stat#*(}; name=${name%)*}
		stat=${stat##*) }
		set -- $stat
		printf '%s\t%s\t%s\n' "${task##*/}" "$name" $((${12} + ${13}))
	done
}
# rss_kb PID FIELD: VmRSS or VmHWM of a live process, in kB.
rss_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
show_log() { [ -f "$1" ] && { echo "---- tail of $1" >&2; tail -n 20 "$1" >&2; } || true; }

# generate_fleet GW N FILE: a mixed fleet of N devices of every type (`gridwatch simulate
# --devices N`, FleetGenerator) written to FILE as an inventory CSV.
generate_fleet() {
	"$1" simulate --devices "$2" --write-inventory "$3" --count 1 --no-staff --output "$3.sample.jsonl" > "$3.log" 2>&1 ||
		{ show_log "$3.log"; die "gridwatch simulate --devices $2 failed"; }
}

# config_with_inventory CONFIG INVENTORY OUT: a copy of CONFIG whose devices.inventory names
# INVENTORY. OUT must sit beside CONFIG so that its relative paths still hold.
config_with_inventory() {
	local inventory
	inventory=$(realpath "$2")
	sed -E "s|^([[:space:]]+inventory:[[:space:]]*)[^[:space:]#]+|\1$inventory|" "$1" > "$3"
	grep -q "inventory: $inventory" "$3" || die "could not point the devices.inventory line of $1 at $2"
}

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

# start_broker RUN [nodelay]: fresh mosquitto on a free port; sets MQ_PID and MQ_PORT.
# nodelay: "as-shipped" (default) keeps config/mosquitto.conf's set_tcp_nodelay line, "off"
# drops it (the acceptance broker), "on" makes sure it is there.
start_broker() {
	local dir=$TMP/broker.$1 nodelay=${2:-as-shipped} i
	mkdir -p "$dir"
	MQ_PORT=$(free_port)
	sed -E -e "s|^listener[[:space:]]+[0-9]+|listener $MQ_PORT|" \
		-e "s|^persistence_location[[:space:]].*|persistence_location $dir/|" \
		config/mosquitto.conf > "$dir/mosquitto.conf"
	case $nodelay in
		as-shipped) ;;
		off) sed -i -E '/^set_tcp_nodelay[[:space:]]/d' "$dir/mosquitto.conf" ;;
		on) sed -i -E '/^set_tcp_nodelay[[:space:]]/d' "$dir/mosquitto.conf"; echo "set_tcp_nodelay true" >> "$dir/mosquitto.conf" ;;
		*) die "start_broker: nodelay must be as-shipped, off or on, not $nodelay" ;;
	esac
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

