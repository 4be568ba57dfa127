import Devices
import Storage
import Testing
@testable import Notifications

/// Signatures against a published vector, the request a delivery becomes, and the retry
/// schedule: all without I/O, on a clock the test picks.
@Suite struct WebhookSignatureTests {
    @Test func hmacMatchesRFC4231TestCase2() {
        let mac = WebhookSignature.hmacSHA256Hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func signatureCoversTheTimestampAndTheExactBodyBytes() {
        let webhook = WebhookFixtures.webhook("ops", url: "http://127.0.0.1:1/hook", secret: "s3cret")
        let event = WebhookFixtures.event()
        let request = WebhookRequest.make(webhook: webhook, deliveryID: 7, event: event, nowMs: 1_795_000_123_456)
        let headers = Dictionary(request.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        #expect(request.body == Array(event.body.utf8), "without a template the stored event JSON goes out byte for byte")
        #expect(headers["X-Gridwatch-Timestamp"] == "1795000123")
        #expect(headers["X-Gridwatch-Signature"] == "sha256=" + WebhookSignature.hmacSHA256Hex(key: Array("s3cret".utf8),
                                                                                               message: Array("1795000123.".utf8) + request.body))
        #expect(headers["X-Gridwatch-Delivery"] == "7" && headers["X-Gridwatch-Event"] == "ticket_opened")
        #expect(headers["Content-Type"] == "application/json" && headers["User-Agent"] == "gridwatch")
    }

    @Test func noSecretNoSignatureAndOwnHeadersCannotBeOverridden() {
        var webhook = WebhookFixtures.webhook("ops", url: "http://127.0.0.1:1/hook")
        webhook.headers = ["Authorization": "Bearer abc"]
        let request = WebhookRequest.make(webhook: webhook, deliveryID: 1, event: WebhookFixtures.event(), nowMs: 0)
        #expect(!request.headers.contains { $0.name.hasPrefix("X-Gridwatch-Signature") || $0.name == "X-Gridwatch-Timestamp" })
        #expect(request.headers.contains { $0 == ("Authorization", "Bearer abc") })
        #expect(String(describing: WebhookSecret("s3cret")) == "<secret>")
    }

    @Test func backoffDoublesWithJitterBetweenMinAndMax() {
        let backoff = WebhookBackoff(minMs: 2000, maxMs: 600_000)
        #expect(backoff.delayMs(afterAttempts: 1, unitRandom: 0) == 2000)
        #expect(backoff.delayMs(afterAttempts: 1, unitRandom: 0.99) == 2000, "never below the minimum")
        #expect(backoff.delayMs(afterAttempts: 3, unitRandom: 0) == 4000, "step 8 s, lower half bound")
        #expect((4000...8000).contains(backoff.delayMs(afterAttempts: 3, unitRandom: 0.5)))
        #expect(backoff.delayMs(afterAttempts: 30, unitRandom: 0.999) <= 600_000)
        #expect(backoff.delayMs(afterAttempts: 30, unitRandom: 0) == 300_000)
        #expect(backoff.delayMs(afterAttempts: 1_000, unitRandom: 0.5) <= 600_000, "no overflow however many attempts")
        #expect(backoff.nextAttemptAtMs(afterAttempts: 2, nowMs: 10_000, unitRandom: 0) == 12_000)
    }

    @Test func outcomeIsDeliveredRetryOrFailedByAttemptCount() {
        let webhook = WebhookFixtures.webhook("ops", url: "http://127.0.0.1:1/hook", maxAttempts: 3)
        let ok = WebhookAttemptResult(status: 204, error: nil)
        let bad = WebhookAttemptResult(status: 500, error: "HTTP 500")
        #expect(WebhookDispatcher.decide(ok, attempts: 1, webhook: webhook, nowMs: 0, unitRandom: 0) == .delivered(status: 204))
        #expect(WebhookDispatcher.decide(bad, attempts: 2, webhook: webhook, nowMs: 1000, unitRandom: 0)
            == .retry(nextAttemptAtMs: 1050, error: "HTTP 500", status: 500))
        #expect(WebhookDispatcher.decide(bad, attempts: 3, webhook: webhook, nowMs: 1000, unitRandom: 0) == .failed(error: "HTTP 500", status: 500))
    }

    @Test func chatPlatformRefusalsInA200AreFailures() {
        #expect(WebhookSender.platformError(Array(#"{"errcode":45009,"errmsg":"api freq out of limit"}"#.utf8)) == "errcode 45009: api freq out of limit")
        #expect(WebhookSender.platformError(Array(#"{"errcode":0,"errmsg":"ok"}"#.utf8)) == nil)
        #expect(WebhookSender.platformError(Array(#"{"code":19021,"msg":"sign match fail"}"#.utf8)) == "code 19021: sign match fail")
        #expect(WebhookSender.platformError(Array(#"{"StatusCode":0,"code":0,"msg":"success"}"#.utf8)) == nil)
        #expect(WebhookSender.platformError(Array("accepted".utf8)) == nil)
    }

    @Test func errorsNeverCarryTheRobotKey() {
        struct Failure: Error, CustomStringConvertible { var description: String }
        let url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY"
        let text = WebhookSender.describe(Failure(description: "connect to \(url) failed; query ?key=SECRET-KEY"), url: url)
        #expect(!text.contains("SECRET-KEY"), "\(text)")
    }
}
