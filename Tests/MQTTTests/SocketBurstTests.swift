#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import MQTT
import Testing

/// The loop's burst buffers over a real socket pair: libmosquitto's small reads served from one
/// `recv`, its writes gathered into one `send`, and everything outside a section (other
/// descriptors, other threads) passing straight through to the C library.
@Suite struct SocketBurstTests {
    /// A connected pair of stream sockets; `ours` is non-blocking, as libmosquitto's is.
    struct Pair {
        let ours: Int32
        let peer: Int32
        init(sendBufferBytes: Int32? = nil) throws {
            var fds: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { throw POSIXError(.EIO) }
            ours = fds[0]
            peer = fds[1]
            _ = fcntl(ours, F_SETFL, fcntl(ours, F_GETFL) | O_NONBLOCK)
            if var size = sendBufferBytes {
                _ = setsockopt(ours, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            }
        }
        func closeBoth() { _ = close(ours); _ = close(peer) }

        /// Burst buffers for `ours`, as the loop makes them at a connection.
        func burst() throws -> SocketBurst {
            let burst = try #require(SocketBurst())
            burst.reset(socket: ours)
            return burst
        }

        /// Everything the peer can read now, without waiting.
        func peerReceives() -> [UInt8] {
            var all: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let got = recv(peer, &chunk, chunk.count, Int32(MSG_DONTWAIT))
                guard got > 0 else { return all }
                all += chunk[0..<got]
            }
        }
    }

    static func bytes(_ count: Int, from start: Int = 0) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &+ start) } }

    @Test func smallReadsInASectionShareOneReceive() throws {
        let pair = try Pair()
        defer { pair.closeBoth() }
        let burst = try pair.burst()
        let sent = Self.bytes(1_000)
        #expect(send(pair.peer, sent, sent.count, 0) == 1_000)
        var received: [UInt8] = []
        burst.reading {
            var one: UInt8 = 0
            for _ in 0..<10 {
                #expect(read(pair.ours, &one, 1) == 1)
                received.append(one)
            }
            var rest = [UInt8](repeating: 0, count: 2_000)
            let got = read(pair.ours, &rest, rest.count)
            received += rest[0..<max(0, got)]
            // Empty again: the socket's own answer (EAGAIN), as libmosquitto expects.
            #expect(read(pair.ours, &one, 1) == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
        }
        #expect(received == sent)
        #expect(burst.counts.refills == 1, "one recv for the eleven reads")
        #expect(burst.counts.reads_served == 11)
        #expect(burst.unreadBytes == 0)
    }

    @Test func bytesLeftInTheBufferWaitForTheNextSection() throws {
        let pair = try Pair()
        defer { pair.closeBoth() }
        let burst = try pair.burst()
        let sent = Self.bytes(300)
        #expect(send(pair.peer, sent, sent.count, 0) == 300)
        var first = [UInt8](repeating: 0, count: 100)
        #expect(burst.reading { read(pair.ours, &first, 100) } == 100)
        #expect(burst.unreadBytes == 200, "the rest was received with the first read and waits here")
        var rest = [UInt8](repeating: 0, count: 300)
        #expect(burst.reading { read(pair.ours, &rest, 300) } == 200)
        #expect(first + rest[0..<200] == sent)
        #expect(burst.counts.refills == 1)
    }

    @Test func writesInASectionLeaveTogetherWhenItEnds() throws {
        let pair = try Pair()
        defer { pair.closeBoth() }
        let burst = try pair.burst()
        var heardDuring: [UInt8] = []
        let result = burst.writing {
            for index in 0..<100 {
                let packet: [UInt8] = [0x40, 0x02, 0x00, UInt8(index)]
                #expect(write(pair.ours, packet, 4) == 4)
            }
            heardDuring = pair.peerReceives()
            return 0
        }
        #expect(result.sent && result.rc == 0)
        #expect(heardDuring.isEmpty, "nothing leaves before the section ends")
        let heard = pair.peerReceives()
        #expect(heard == (0..<100).flatMap { [0x40, 0x02, 0x00, UInt8($0)] as [UInt8] })
        #expect(burst.counts.writes_gathered == 100)
        #expect(burst.counts.sends == 1)
    }

    @Test func otherDescriptorsAndThreadsPassStraightThrough() throws {
        let pair = try Pair()
        let other = try Pair()
        defer { pair.closeBoth(); other.closeBoth() }
        let burst = try pair.burst()
        var fromOtherThread: [UInt8] = []
        _ = burst.writing {
            #expect(write(other.ours, [1, 2, 3] as [UInt8], 3) == 3)
            // Another thread's write of the same socket is not this section's.
            let done = DispatchSemaphore(value: 0)
            Thread {
                _ = write(pair.ours, [9, 9] as [UInt8], 2)
                done.signal()
            }.start()
            done.wait()
            fromOtherThread = pair.peerReceives()
            _ = write(pair.ours, [7] as [UInt8], 1)
            return 0
        }
        #expect(other.peerReceives() == [1, 2, 3])
        #expect(fromOtherThread == [9, 9])
        #expect(pair.peerReceives() == [7])
        // Outside a section the socket is read directly.
        _ = send(pair.peer, [5, 6] as [UInt8], 2, 0)
        var two = [UInt8](repeating: 0, count: 2)
        #expect(read(pair.ours, &two, 2) == 2 && two == [5, 6])
        #expect(burst.counts.refills == 0)
        #expect(burst.counts.writes_gathered == 1)
    }

    @Test func aCloseInASectionSendsWhatWasGatheredFirst() throws {
        let pair = try Pair()
        defer { _ = close(pair.peer) }
        let burst = try pair.burst()
        _ = burst.writing {
            #expect(write(pair.ours, [0xE0, 0x00] as [UInt8], 2) == 2)
            // As libmosquitto does right after writing a DISCONNECT.
            #expect(close(pair.ours) == 0)
            return 0
        }
        #expect(burst.socket == -1, "the closed number is not the buffer's any more")
        var heard = [UInt8](repeating: 0, count: 8)
        #expect(recv(pair.peer, &heard, 8, 0) == 2 && heard[0] == 0xE0)
        #expect(recv(pair.peer, &heard, 8, 0) == 0, "then end of file")
    }

    @Test func anEndOfFileGivesTheSocketUp() throws {
        let pair = try Pair()
        defer { _ = close(pair.ours) }
        let burst = try pair.burst()
        _ = close(pair.peer)
        var one: UInt8 = 0
        #expect(burst.reading { read(pair.ours, &one, 1) } == 0)
        #expect(burst.socket == -1)
    }

    @Test func whatAFullSocketCannotTakeWaitsInOrder() throws {
        let pair = try Pair(sendBufferBytes: 4_096)
        defer { pair.closeBoth() }
        let burst = try pair.burst()
        let packet = Self.bytes(1_000)
        var accepted = 0
        let result = burst.writing {
            // More than the pair can hold: some of it stays gathered.
            for index in 0..<200 {
                let bytes = Self.bytes(1_000, from: index)
                let wrote = write(pair.ours, bytes, bytes.count)
                if wrote < 0 { #expect(errno == EAGAIN); break }
                accepted += 1
            }
            return 0
        }
        #expect(result.sent)
        #expect(accepted >= 65 && burst.unsentBytes > 0, "accepted \(accepted), unsent \(burst.unsentBytes)")
        var heard: [UInt8] = []
        for _ in 0..<1_000 where heard.count < accepted * packet.count {
            heard += pair.peerReceives()
            #expect(burst.flush())
        }
        #expect(burst.unsentBytes == 0)
        #expect(heard == (0..<accepted).flatMap { Self.bytes(1_000, from: $0) })
    }
}
