import ArgumentParser
import Devices
import Formats
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Tickets

/// A blocking client of `/api/v1/tickets`: the command line does one request at a time.
struct TicketsRemote {
    let base: URL
    let token: String

    func get(_ path: String) throws -> JSONValue { try send("GET", path, body: nil) }

    func post(_ path: String, _ body: [String: JSONValue]) throws -> JSONValue { try send("POST", path, body: .object(body)) }

    private func send(_ method: String, _ path: String, body: JSONValue?) throws -> JSONValue {
        guard let url = URL(string: base.absoluteString + path) else { throw CommandFailure("bad API path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.jsonText.utf8)
        }
        let outcome = Mutex<Result<(Int, Data), any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            outcome.withLock { $0 = error.map { .failure($0) } ?? .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())) }
            done.signal()
        }.resume()
        done.wait()
        let (status, data) = try outcome.withLock { $0 }!.get()
        let value = try? JSONParser.parse(Array(data))
        guard (200..<300).contains(status) else {
            if case let .object(object)? = value, case let .string(message)? = object["error"] { throw CommandFailure("\(message) (HTTP \(status))") }
            throw CommandFailure("the API answered HTTP \(status)")
        }
        guard let value else { throw CommandFailure("the API's answer is not JSON") }
        return value
    }
}
