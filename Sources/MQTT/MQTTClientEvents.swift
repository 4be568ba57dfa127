import CMosquitto
import Foundation
import Logging
import Synchronization

/// The receiver of libmosquitto's C callbacks, passed to them as `void *obj`. Its mutable
/// state is atomics or behind a mutex, so the network thread and callers can share it.
final class MQTTClientEvents: Sendable {
    let options: MQTTOptions
    let logger: Logger
    let onMessage: MQTTClient.MessageHandler?
    let stopping = Atomic<Bool>(false)
    let paused = Atomic<Bool>(false)
    let outstanding = Atomic<Int>(0)
    /// Messages handed to `onMessage` so far: the loop reads on while each read delivers one.
    let delivered = Atomic<Int>(0)
    /// When the network loop last went round (epoch ms), for a watchdog.
    let loopHeartbeatMs = Atomic<Int64>(Int64(Date().timeIntervalSince1970 * 1000))
    private let connected = Atomic<Bool>(false)
    private let connackSucceeded = Atomic<Bool>(false)
    private let connackRefused = Atomic<Bool>(false)
    private let socketIsOpen = Atomic<Bool>(false)
    private let stateBox = Mutex<MQTTConnectionState>(.connecting)
    /// Why the broker last refused us; kept so the disconnect that follows does not hide it.
    private let refusal = Mutex<String?>(nil)
    private let handleBox = Mutex<MosquittoHandle?>(nil)

    init(options: MQTTOptions, logger: Logger, onMessage: MQTTClient.MessageHandler?) {
        self.options = options
        self.logger = logger
        self.onMessage = onMessage
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> MQTTClientEvents {
        Unmanaged<MQTTClientEvents>.fromOpaque(context!).takeUnretainedValue()
    }

    var handle: MosquittoHandle? {
        get { handleBox.withLock { $0 } }
        set { handleBox.withLock { $0 = newValue } }
    }

    var state: MQTTConnectionState { stateBox.withLock { $0 } }
    var isConnected: Bool { connected.load(ordering: .acquiring) }
    var socketOpen: Bool {
        get { socketIsOpen.load(ordering: .acquiring) }
        set { socketIsOpen.store(newValue, ordering: .releasing) }
    }

    func setState(_ new: MQTTConnectionState) {
        let changed = stateBox.withLock { state -> Bool in
            defer { state = new }
            return state != new
        }
        connected.store(new == .connected, ordering: .releasing)
        guard changed else { return }
        switch new {
        case .connected: logger.info("MQTT connected", metadata: ["broker": "\(options.host):\(options.port)", "client_id": "\(options.clientID)"])
        case let .disconnected(reason) where reason == "stopped" || reason == Self.requestedDisconnect:
            logger.info("MQTT disconnected", metadata: ["reason": "\(reason)", "client_id": "\(options.clientID)"])
        case let .disconnected(reason): logger.warning("MQTT disconnected", metadata: ["reason": "\(reason)", "client_id": "\(options.clientID)"])
        case .connecting: break
        }
    }

    static let requestedDisconnect = "disconnected by request"

    func consumeConnackSuccess() -> Bool { connackSucceeded.exchange(false, ordering: .acquiringAndReleasing) }
    func consumeRefused() -> Bool { connackRefused.exchange(false, ordering: .acquiringAndReleasing) }

    func connected(rc: Int32) {
        guard rc == 0, let raw = handle?.raw else {
            let reason = "broker refused the connection: \(String(cString: mosquitto_connack_string(rc)))"
            refusal.withLock { $0 = reason }
            setState(.disconnected(reason: reason))
            connackRefused.store(true, ordering: .releasing)
            return
        }
        // Subscribing again on every connect: a broker that lost our session has no subscriptions.
        for filter in options.subscriptions {
            let result = mosquitto_subscribe(raw, nil, filter, options.subscriptionQoS)
            if result != MOSQ_ERR_SUCCESS.rawValue { logger.error("subscribe failed", metadata: ["filter": "\(filter)", "error": "\(String(cString: mosquitto_strerror(result)))"]) }
        }
        if let availability = options.availability {
            let payload = Array(availability.online.utf8)
            mosquitto_publish(raw, nil, availability.topic, Int32(payload.count), payload, 1, true)
        }
        connackSucceeded.store(true, ordering: .releasing)
        refusal.withLock { $0 = nil }
        setState(.connected)
    }

    func disconnected(rc: Int32) {
        socketOpen = false
        let reason = rc == 0 ? Self.requestedDisconnect : "connection lost: \(String(cString: mosquitto_strerror(rc)))"
        setState(.disconnected(reason: refusal.withLock { $0 } ?? reason))
    }

    func received(_ message: mosquitto_message) {
        delivered.add(1, ordering: .relaxed)
        guard let onMessage, let topicPointer = message.topic else { return }
        let payload = UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen))
        onMessage(MQTTMessageView(topic: String(cString: topicPointer), payload: payload, qos: message.qos, retain: message.retain))
    }

    func acknowledged() { outstanding.subtract(1, ordering: .relaxed) }
}
