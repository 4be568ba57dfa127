import Foundation

/// The PostgreSQL schema as numbered migrations, applied in order under an advisory lock so
/// that instances starting together migrate once. A store whose recorded versions include one
/// this binary does not know was migrated by a newer gridwatch: it is refused, not guessed at.
enum PostgresSchema {
    /// Serialises migrations between instances (any constant shared by every gridwatch).
    static let migrationLockKey: Int64 = 0x6772_6964_0001
    /// Serialises ticket transactions cluster-wide, so `ticket_events.seq` commits in order
    /// (a consumer reading after its cursor can never skip a later-committing lower seq).
    static let ticketLockKey: Int64 = 0x6772_6964_0002
    /// Taken shared by every readings insert and exclusively to read a stable readings id:
    /// every id at or below the sequence's value then belongs to a committed row.
    static let readingsHorizonLockKey: Int64 = 0x6772_6964_0003
    /// Serialises the creation of readings partitions.
    static let partitionLockKey: Int64 = 0x6772_6964_0004
    /// Serialises `gridwatch db copy` page commits, so two copies into one store cannot interleave.
    static let copyLockKey: Int64 = 0x6772_6964_0005

    static let migrations: [(version: String, sql: String)] = [("v1-base", base), ("v2-copy", copy), ("v3-places", places),
                                                                ("v4-staff-positions", PostgresStore.staffPositionsSchema),
                                                                ("v5-resident-requests", PostgresStore.residentRequestsSchema),
                                                                ("v6-device-health", PostgresStore.deviceHealthSchema),
                                                                ("v7-battery-forecasts", PostgresStore.batteryForecastsSchema),
                                                                ("v8-report-publications", PostgresStore.reportPublicationsSchema),
                                                                ("v9-active-assignee", PostgresStore.activeAssigneeSchema)]

    static var latestVersion: String { migrations.last?.version ?? "" }

    /// A migration's statements: split at the semicolons ending lines (the migrations hold no
    /// function bodies or literals with such semicolons), comment lines dropped.
    static func statements(_ sql: String) -> [String] {
        sql.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: "\n")
            .components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";"))) }
            .filter { !$0.isEmpty }
    }

    static let base = """
        CREATE TABLE devices (
            id text PRIMARY KEY, type text NOT NULL, community text NOT NULL,
            building text NOT NULL DEFAULT '', unit text NOT NULL DEFAULT '',
            resident text NOT NULL DEFAULT '', installed text NOT NULL DEFAULT '',
            source text NOT NULL, registered_at bigint NOT NULL,
            last_seen_at bigint, availability text, availability_at bigint);
        CREATE SEQUENCE readings_id_seq;
        -- Partitioned by the device's time, one partition a month: the dedup key (device,
        -- device time, content hash) includes the partition key, so a QoS 1 redelivery meets its
        -- original in the same partition; retention drops whole months.
        CREATE TABLE readings (
            id bigint NOT NULL DEFAULT nextval('readings_id_seq'), device_id text NOT NULL,
            community text NOT NULL DEFAULT '', received_at bigint NOT NULL,
            device_ts bigint NOT NULL, device_ts_trusted boolean NOT NULL, seq bigint,
            payload text NOT NULL, flags text, content_hash bigint NOT NULL,
            UNIQUE (device_id, device_ts, content_hash)) PARTITION BY RANGE (device_ts);
        CREATE INDEX readings_id ON readings(id);
        CREATE TABLE rejected (
            id bigserial PRIMARY KEY, topic text NOT NULL, reason text NOT NULL, detail text NOT NULL,
            received_at bigint NOT NULL, device_id text, payload_prefix bytea NOT NULL, payload_size integer NOT NULL);
        CREATE INDEX rejected_time ON rejected(received_at);
        -- One journal cursor per instance: each instance has its own local journal.
        CREATE TABLE ingest_cursor (
            instance text PRIMARY KEY, journal_position bigint NOT NULL,
            stored bigint NOT NULL DEFAULT 0, duplicates bigint NOT NULL DEFAULT 0, rejected bigint NOT NULL DEFAULT 0);
        CREATE TABLE alert_events (
            id bigserial PRIMARY KEY, at bigint NOT NULL, event text NOT NULL, rule text NOT NULL, device text NOT NULL,
            severity text NOT NULL, community text NOT NULL, building text NOT NULL, inhibited_by text, evidence text);
        CREATE INDEX alert_events_time ON alert_events(at);
        CREATE INDEX alert_events_rule_device ON alert_events(rule, device, at);
        -- Rule engine checkpoints, one per partition (community): the readings up to
        -- `watermark` (a readings id) are in the snapshot; a new owner replays the rest.
        CREATE TABLE rule_state (partition text PRIMARY KEY, saved_at bigint NOT NULL, snapshot bytea NOT NULL,
                                 watermark bigint NOT NULL DEFAULT 0);
        CREATE SEQUENCE ticket_number_seq;
        CREATE TABLE tickets (
            id text PRIMARY KEY, number bigint NOT NULL UNIQUE, alert_key text, rule text NOT NULL, device text NOT NULL,
            community text NOT NULL, building text NOT NULL, category text NOT NULL, severity text NOT NULL, state text NOT NULL,
            team text NOT NULL, escalation_level integer NOT NULL, opened_at bigint NOT NULL, next_deadline bigint,
            body text NOT NULL);
        CREATE UNIQUE INDEX tickets_one_active_per_alert ON tickets(alert_key)
            WHERE state IN ('open', 'acknowledged', 'in_progress', 'pending');
        CREATE INDEX tickets_by_alert ON tickets(alert_key, number);
        CREATE INDEX tickets_deadline ON tickets(next_deadline) WHERE next_deadline IS NOT NULL;
        CREATE INDEX tickets_opened ON tickets(opened_at);
        CREATE INDEX tickets_state ON tickets(state);
        CREATE TABLE ticket_timeline (
            id bigserial PRIMARY KEY, ticket_id text NOT NULL REFERENCES tickets(id),
            at bigint NOT NULL, actor text NOT NULL, action text NOT NULL, detail text NOT NULL);
        CREATE INDEX ticket_timeline_ticket ON ticket_timeline(ticket_id, id);
        CREATE SEQUENCE ticket_events_seq;
        CREATE TABLE ticket_events (
            seq bigint PRIMARY KEY, at bigint NOT NULL, event text NOT NULL,
            ticket_id text NOT NULL, community text NOT NULL, severity text NOT NULL, body text NOT NULL);
        CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, seq);
        CREATE TABLE outbox_cursors (name text PRIMARY KEY, seq bigint NOT NULL);
        INSERT INTO outbox_cursors (name, seq) VALUES ('webhooks', 0);
        CREATE TABLE api_tokens (
            name text PRIMARY KEY, role text NOT NULL, hash text NOT NULL UNIQUE,
            created_at bigint NOT NULL, revoked_at bigint, last_used_at bigint);
        CREATE TABLE webhook_deliveries (
            id bigserial PRIMARY KEY, webhook text NOT NULL, event_seq bigint NOT NULL,
            event text NOT NULL, ticket_id text NOT NULL,
            state text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
            attempts integer NOT NULL DEFAULT 0, next_attempt_at bigint, last_error text, last_status integer,
            created_at bigint NOT NULL, delivered_at bigint,
            UNIQUE (webhook, event_seq));
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE state = 'pending';
        CREATE INDEX webhook_deliveries_state ON webhook_deliveries(state, id);
        CREATE TABLE rollups (
            width_s bigint NOT NULL, bucket_start bigint NOT NULL, device_id text NOT NULL, field text NOT NULL,
            count bigint NOT NULL, sum double precision NOT NULL, min double precision NOT NULL, max double precision NOT NULL,
            last double precision NOT NULL, last_ts bigint NOT NULL,
            PRIMARY KEY (width_s, bucket_start, device_id, field));
        CREATE TABLE retention_cursors (name text PRIMARY KEY, position bigint NOT NULL);
        -- Cluster mode. Times come from the server's clock (now()), never an instance's.
        CREATE TABLE cluster_instances (
            name text PRIMARY KEY, heartbeat_at timestamptz NOT NULL, started_at timestamptz NOT NULL,
            stopped_at timestamptz);
        -- One row per partition (a community, or '~services' for the once-per-cluster work).
        -- `epoch` rises at every change of owner; an owner's writes are fenced by it.
        CREATE TABLE partition_leases (
            partition text PRIMARY KEY, owner text, epoch bigint NOT NULL DEFAULT 0,
            lease_expires_at timestamptz NOT NULL DEFAULT 'epoch');
        -- Who took or gave up what, when (takeover times are measured from it).
        CREATE TABLE lease_events (
            id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(), partition text NOT NULL,
            owner text NOT NULL, epoch bigint NOT NULL, event text NOT NULL, previous_owner text);
        """

    /// `gridwatch db copy`: how far each table of a SQLite source got. A row moves in the
    /// transaction that inserts its page, so a copy killed at any point resumes after the last
    /// committed page; `source` is the file's path, so a second source is refused.
    static let copy = """
        CREATE TABLE copy_progress (
            source text NOT NULL, table_name text NOT NULL, last_key bigint NOT NULL,
            PRIMARY KEY (source, table_name));
        """

    /// A unit's grid and position (issue 12); rows from before have an empty grid and no position.
    static let places = """
        ALTER TABLE devices ADD COLUMN grid text NOT NULL DEFAULT '',
            ADD COLUMN lat double precision, ADD COLUMN lon double precision;
        """
}
