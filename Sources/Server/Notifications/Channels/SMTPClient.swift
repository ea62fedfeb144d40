import Foundation
import NIOCore
import NIOPosix

/// 邮件中继 — the hospital's SMTP relay on its own network: plain SMTP (no TLS, no
/// authentication), as hospital relays accept mail from known servers.
public struct SMTPRelay: Hashable, Sendable {
    public var host: String
    public var port: Int
    public var from: String
    public var fromName: String
    public var heloName: String

    public init(host: String, port: Int = 25, from: String, fromName: String = "MeshDesk 信息科", heloName: String = "meshdesk") {
        self.host = host
        self.port = port
        self.from = from
        self.fromName = fromName
        self.heloName = heloName
    }
}

public enum SMTPError: Error, CustomStringConvertible {
    case refused(command: String, reply: String)
    case closed(during: String)
    case replyTooLong

    public var description: String {
        switch self {
        case let .refused(command, reply): "SMTP \(command) refused: \(reply)"
        case .closed(let during): "SMTP connection closed during \(during)"
        case .replyTooLong: "SMTP reply longer than \(SMTPClient.replyBytesMax) bytes"
        }
    }
}

/// A minimal SMTP client (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT) over SwiftNIO. One
/// connection per message; the caller bounds the time (`NotificationDelivery`).
public enum SMTPClient {
    public static let replyBytesMax = 16 * 1024
    public static let replyLinesMax = 100

    public static func send(_ mail: SMTPMail, via relay: SMTPRelay, date: Date, messageID: String,
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .connect(host: relay.host, port: relay.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            func reply(_ during: String) async throws -> (code: Int, text: String) {
                var text: [String] = []
                while text.count < replyLinesMax {
                    guard let line = try await lines.next() else { throw SMTPError.closed(during: during) }
                    text.append(line)
                    // "250-…" continues, "250 …" ends a reply.
                    if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-" {
                        return (Int(line.prefix(3)) ?? 0, text.joined(separator: " | "))
                    }
                }
                throw SMTPError.replyTooLong
            }
            func command(_ text: String, expect: Set<Int>, name: String) async throws {
                try await outbound.write(ByteBuffer(string: text + "\r\n"))
                let answer = try await reply(name)
                guard expect.contains(answer.code) else { throw SMTPError.refused(command: name, reply: answer.text) }
            }
            let greeting = try await reply("greeting")
            guard greeting.code == 220 else { throw SMTPError.refused(command: "greeting", reply: greeting.text) }
            try await command("EHLO \(relay.heloName)", expect: [250], name: "EHLO")
            try await command("MAIL FROM:<\(mail.from)>", expect: [250], name: "MAIL FROM")
            try await command("RCPT TO:<\(mail.to)>", expect: [250, 251], name: "RCPT TO")
            try await command("DATA", expect: [354], name: "DATA")
            try await command(mail.data(date: date, messageID: messageID) + ".", expect: [250], name: "end of DATA")
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }
}

/// Splits the server's replies into lines (CRLF or LF), each at most `replyBytesMax`.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > SMTPClient.replyBytesMax { throw SMTPError.replyTooLong }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}
