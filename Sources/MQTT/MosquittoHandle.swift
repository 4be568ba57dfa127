/// libmosquitto's handle. `@unchecked Sendable` is safe because libmosquitto is built with
/// threading support (Debian's is) and the client puts it in threaded mode
/// (`mosquitto_threaded_set`) before any thread but the creator touches it: its publish,
/// subscribe and disconnect calls then take libmosquitto's own mutexes, and the handle is
/// destroyed only after the loop thread has ended (`MQTTClient.stop`).
final class MosquittoHandle: @unchecked Sendable {
    let raw: OpaquePointer
    init(_ raw: OpaquePointer) { self.raw = raw }
}
