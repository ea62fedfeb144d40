import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The other half of `meshdesk bench http`'s live-update figure: `count` open
/// `text/event-stream` connections to one loopback server, each recording when every
/// `state` event arrived and the batch count it carried, so the benchmark can tell, for
/// each commit, how long until each stream heard of it.
public final class HTTPEventStreams: Sendable {
    /// Most streams one run opens.
    public static let streamsMax = 2_000
    /// A line of the stream longer than this is a broken server: the stream is dropped.
    static let lineBytesMax = 4_096

    public struct Arrival: Sendable {
        public let batches: UInt64
        public let at: ContinuousClock.Instant
    }

    private let arrivals: Mutex<[[Arrival]]>
    private let statuses = Mutex<[Int: Int]>([:])
    private let channels = Mutex<[any Channel]>([])

    public init(count: Int) {
        precondition((1...Self.streamsMax).contains(count), "bad stream count")
        arrivals = Mutex(Array(repeating: [], count: count))
    }

    /// Opens every stream, `cookies[i % cookies.count]` as the session of stream `i`.
    public func open(host: String, port: Int, path: String, cookies: [String], group: any EventLoopGroup) async throws {
        let count = arrivals.withLock { $0.count }
        for index in 0..<count {
            let channel = try await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(EventReader(index: index, streams: self))
                    }
                }
                .connect(host: host, port: port).get()
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Accept", value: "text/event-stream")
            head.headers.add(name: "Cookie", value: cookies[index % cookies.count])
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
            channels.withLock { $0.append(channel) }
        }
    }

    public func close() {
        for channel in channels.withLock({ $0 }) { channel.close(promise: nil) }
    }

    /// Per stream, the events it received, in order.
    public var received: [[Arrival]] { arrivals.withLock { $0 } }
    /// Answers' statuses (a refused stream shows here as 429 or 503).
    public var answered: [Int: Int] { statuses.withLock { $0 } }

    fileprivate func record(_ index: Int, _ arrival: Arrival) { arrivals.withLock { $0[index].append(arrival) } }
    fileprivate func record(status: Int) { statuses.withLock { $0[status, default: 0] += 1 } }

    /// Splits the stream into lines and keeps each `data:` line's batch count.
    final class EventReader: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let index: Int
        let streams: HTTPEventStreams
        var line: [UInt8] = []

        init(index: Int, streams: HTTPEventStreams) {
            self.index = index
            self.streams = streams
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case let .head(head): streams.record(status: Int(head.status.code))
            case var .body(buffer):
                while let byte = buffer.readInteger(as: UInt8.self) {
                    if byte == UInt8(ascii: "\n") {
                        take(line)
                        line.removeAll(keepingCapacity: true)
                    } else if line.count < HTTPEventStreams.lineBytesMax {
                        line.append(byte)
                    } else {
                        context.close(promise: nil)
                        return
                    }
                }
            case .end: break
            }
        }

        func take(_ line: [UInt8]) {
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix("data: "), let range = text.range(of: "\"batches\":") else { return }
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            guard let batches = UInt64(digits) else { return }
            streams.record(index, Arrival(batches: batches, at: .now))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}
