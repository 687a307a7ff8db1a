import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One MLLP connection on a plain socket, byte for byte under the case's control: frames can be
/// written in pieces, several at once, or oversized — what a real client library would not let
/// a test do. Blocking calls run on a dispatch queue, off Swift's cooperative pool.
struct MLLPWire: Sendable {
    /// How to write the frames.
    struct Writing: Sendable {
        /// Write each frame in pieces of this many bytes (0: whole).
        var chunk = 0
        /// Write every frame before reading any answer (in one write when `chunk` is 0).
        var pipelined = false
    }

    /// One answer: its payload and when it arrived, after the end of its frame's writing.
    struct Answer: Sendable {
        var payload: [UInt8]
        var latency: Duration
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let start: UInt8 = 0x0B
    static let end: [UInt8] = [0x1C, 0x0D]

    static func frame(_ payload: [UInt8]) -> [UInt8] { [start] + payload + end }

    /// Connects, writes `payloads` framed, and reads one answer per frame; ends by `deadline`.
    /// Returns the answers read (fewer than the frames when the peer closed or time ran out)
    /// and why reading stopped early, if it did.
    static func exchange(
        _ payloads: [[UInt8]], host: String, port: Int, writing: Writing, deadline: ContinuousClock.Instant
    ) async -> (answers: [Answer], problem: String?) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: blockingExchange(payloads, host: host, port: port, writing: writing, deadline: deadline))
            }
        }
    }

    private static func blockingExchange(
        _ payloads: [[UInt8]], host: String, port: Int, writing: Writing, deadline: ContinuousClock.Instant
    ) -> (answers: [Answer], problem: String?) {
        let socket: Int32
        do {
            socket = try connect(host: host, port: port)
        } catch {
            return ([], "\(error)")
        }
        defer { close(socket) }
        var answers: [Answer] = []
        var reader = FrameReader()
        do {
            if writing.pipelined {
                let all = payloads.flatMap(frame)
                try write(all, to: socket, chunk: writing.chunk)
                let written = ContinuousClock.now
                while answers.count < payloads.count {
                    let payload = try reader.next(from: socket, deadline: deadline)
                    answers.append(Answer(payload: payload, latency: ContinuousClock.now - written))
                }
            } else {
                for payload in payloads {
                    try write(frame(payload), to: socket, chunk: writing.chunk)
                    let written = ContinuousClock.now
                    let answer = try reader.next(from: socket, deadline: deadline)
                    answers.append(Answer(payload: answer, latency: ContinuousClock.now - written))
                }
            }
        } catch {
            return (answers, "\(error)")
        }
        return (answers, nil)
    }

    private static func connect(host: String, port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard socket >= 0 else { throw Failure(description: "cannot open a socket") }
        guard Glibc.connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            close(socket)
            throw Failure(description: "cannot connect to \(host):\(port) (errno \(errno))")
        }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return socket
    }

    private static func write(_ bytes: [UInt8], to socket: Int32, chunk: Int) throws {
        let size = chunk > 0 ? chunk : bytes.count
        var offset = 0
        while offset < bytes.count {
            let piece = Array(bytes[offset..<min(bytes.count, offset + size)])
            var sent = 0
            while sent < piece.count {
                let count = piece[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { throw Failure(description: "the peer closed the connection while the message was written") }
                sent += count
            }
            offset += piece.count
            // Let each piece travel on its own, so that the peer really reads it in parts.
            if chunk > 0 && offset < bytes.count { usleep(2000) }
        }
    }

    /// Reads frames from a socket, keeping bytes that follow a frame for the next one.
    struct FrameReader {
        var buffer: [UInt8] = []

        mutating func next(from socket: Int32, deadline: ContinuousClock.Instant) throws -> [UInt8] {
            while true {
                if let startIndex = buffer.firstIndex(of: MLLPWire.start),
                    let endIndex = buffer[startIndex...].indices.first(where: { index in
                        index + 1 < buffer.endIndex && buffer[index] == 0x1C && buffer[index + 1] == 0x0D
                    })
                {
                    let payload = Array(buffer[(startIndex + 1)..<endIndex])
                    buffer.removeSubrange(..<(endIndex + 2))
                    return payload
                }
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { throw Failure(description: "no answer before the time limit") }
                var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(min(Double(remaining.components.seconds) * 1000 + Double(remaining.components.attoseconds) / 1e15, 600_000))
                let ready = poll(&poller, 1, max(1, milliseconds))
                guard ready > 0 else { continue }
                var chunk = [UInt8](repeating: 0, count: 65536)
                let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw Failure(description: "the peer closed the connection without answering") }
                buffer.append(contentsOf: chunk[..<count])
            }
        }
    }
}
