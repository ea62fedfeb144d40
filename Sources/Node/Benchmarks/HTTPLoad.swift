import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 load generator for `meshdesk bench http`: `clients` keep-alive
/// connections to one loopback server, each sending its requests one after another
/// (a browser tab polling, not a flood), every request timed from write to the end of
/// its response. Bounded twice: `requestsPerClient` and `deadline`.
public struct HTTPLoad: Sendable {
    /// A path to request and the name its figures carry.
    public struct Target: Sendable {
        public let name: String
        public let path: String
        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    /// What one target measured: latencies of answers with status 200, counts of the rest.
    public struct Sample: Sendable {
        public var millis: [Double] = []
        public var statuses: [Int: Int] = [:]
        public var failures = 0
        public var bodyBytes = 0

        public func percentile(_ p: Double) -> Double? {
            guard !millis.isEmpty else { return nil }
            let sorted = millis.sorted()
            return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
        }
    }

    /// Most clients one run opens (each is a socket and a task).
    public static let clientsMax = 1_000
    /// Largest response body read; a bigger one fails the request (and the run says so).
    public static let responseBytesMax = 16 << 20

    public var host: String
    public var port: Int
    public var clients = 50
    public var requestsPerClient = 40
    public var deadline: Duration = .seconds(120)
    /// Sent with every request (`Cookie:`), e.g. the session of a signed-in user.
    public var cookie: String?

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Every client requests the targets round-robin, starting at its own offset, so
    /// all targets see the same concurrency at the same time (and the baseline sees the
    /// same machine load as the pages it is compared with).
    public func run(_ targets: [Target], group: any EventLoopGroup) async throws -> [String: Sample] {
        precondition(!targets.isEmpty && (1...Self.clientsMax).contains(clients), "bad load shape")
        let stop = ContinuousClock.now + deadline
        return try await withThrowingTaskGroup(of: [String: Sample].self) { tasks in
            for client in 0..<clients {
                tasks.addTask { try await runClient(client, targets, stop: stop, group: group) }
            }
            var merged: [String: Sample] = [:]
            for try await part in tasks {
                for (name, sample) in part {
                    var m = merged[name, default: Sample()]
                    m.millis += sample.millis
                    m.statuses.merge(sample.statuses, uniquingKeysWith: +)
                    m.failures += sample.failures
                    m.bodyBytes += sample.bodyBytes
                    merged[name] = m
                }
            }
            return merged
        }
    }

    func runClient(_ client: Int, _ targets: [Target], stop: ContinuousClock.Instant, group: any EventLoopGroup) async throws -> [String: Sample] {
        var samples: [String: Sample] = [:]
        var channel: (any Channel)?
        defer { channel?.close(promise: nil) }
        for n in 0..<requestsPerClient {
            guard ContinuousClock.now < stop else { break }
            let target = targets[(client + n) % targets.count]
            var sample = samples[target.name, default: Sample()]
            do {
                if channel == nil || channel?.isActive == false { channel = try await connect(group: group) }
                let t0 = ContinuousClock.now
                let response = try await send(target.path, on: channel!)
                let millis = Self.millis(ContinuousClock.now - t0)
                sample.statuses[response.status, default: 0] += 1
                sample.bodyBytes += response.bodyBytes
                if response.status == 200 { sample.millis.append(millis) }
                if !response.keepAlive { channel?.close(promise: nil); channel = nil }
            } catch {
                sample.failures += 1
                channel?.close(promise: nil)
                channel = nil
            }
            samples[target.name] = sample
        }
        return samples
    }

    func connect(group: any EventLoopGroup) async throws -> any Channel {
        try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(bytesMax: Self.responseBytesMax))
                }
            }
            .connect(host: host, port: port).get()
    }

    func send(_ path: String, method: HTTPMethod = .GET, form: String? = nil, on channel: any Channel) async throws -> Answer {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Accept", value: "*/*")
        if let cookie { head.headers.add(name: "Cookie", value: cookie) }
        var body: ByteBuffer?
        if let form {
            head.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            head.headers.add(name: "Content-Length", value: "\(form.utf8.count)")
            body = ByteBuffer(string: form)
        }
        let promise = channel.eventLoop.makePromise(of: Answer.self)
        channel.writeAndFlush(Pending(head: head, body: body, promise: promise), promise: nil)
        return try await promise.futureResult.get()
    }

    /// Signs in through the dashboard's form (`POST /sign-in`) and returns the session
    /// cookie (`name=value`) the answer set; nil when the server set none.
    public func signIn(username: String, password: String, group: any EventLoopGroup) async throws -> (status: Int, cookie: String?) {
        let channel = try await connect(group: group)
        defer { channel.close(promise: nil) }
        func encode(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
        let answer = try await send("/sign-in", method: .POST, form: "username=\(encode(username))&password=\(encode(password))", on: channel)
        let cookie = answer.setCookies.lazy.compactMap { $0.split(separator: ";").first.map(String.init) }.first { !$0.hasSuffix("=") }
        return (answer.status, cookie)
    }

    static func millis(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1_000 + Double(d.components.attoseconds) / 1e15
    }

    struct Answer: Sendable {
        let status: Int
        let bodyBytes: Int
        let keepAlive: Bool
        let setCookies: [String]
    }

    struct Pending: Sendable {
        let head: HTTPRequestHead
        let body: ByteBuffer?
        let promise: EventLoopPromise<Answer>
    }

    enum LoadError: Error { case connectionClosed, responseTooLarge, unexpectedPart }

    /// Pairs each written request with its response, in order (HTTP/1.1 keep-alive).
    final class ResponseCollector: ChannelDuplexHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundIn = Pending
        typealias OutboundOut = HTTPClientRequestPart

        let bytesMax: Int
        var waiting: [EventLoopPromise<Answer>] = []
        var head: HTTPResponseHead?
        var bytes = 0

        init(bytesMax: Int) { self.bytesMax = bytesMax }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let pending = unwrapOutboundIn(data)
            waiting.append(pending.promise)
            context.write(wrapOutboundOut(.head(pending.head)), promise: nil)
            if let body = pending.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
            context.write(wrapOutboundOut(.end(nil)), promise: promise)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case let .head(h):
                head = h
                bytes = 0
            case let .body(buffer):
                bytes += buffer.readableBytes
                if bytes > bytesMax { failAll(LoadError.responseTooLarge); context.close(promise: nil) }
            case .end:
                guard let h = head, !waiting.isEmpty else { failAll(LoadError.unexpectedPart); context.close(promise: nil); return }
                head = nil
                waiting.removeFirst().succeed(Answer(status: Int(h.status.code), bodyBytes: bytes, keepAlive: h.isKeepAlive,
                                                    setCookies: h.headers["Set-Cookie"]))
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            failAll(LoadError.connectionClosed)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            failAll(error)
            context.close(promise: nil)
        }

        func failAll(_ error: any Error) {
            let all = waiting
            waiting = []
            all.forEach { $0.fail(error) }
        }
    }
}
