import Domain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error as the caller sees it: an HTTP status, a stable machine-readable code and
/// a message in words. Every failure of a request becomes one of these in
/// `APIError.from(_:)` — the one place errors map to statuses.
public struct APIError: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The JSON body: `{ "error": { "code": "…", "message": "…" } }`.
    public struct Body: Codable, Sendable {
        public struct Detail: Codable, Sendable {
            public let code: String
            public let message: String
        }
        public let error: Detail
    }

    public var body: Body { Body(error: .init(code: code, message: message)) }

    static let unauthenticated = APIError(.unauthorized, "not_signed_in", "sign in first: no valid session")
    static let passwordChangeRequired = APIError(.forbidden, "password_change_required",
                                                 "your password must be changed before anything else")
    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code, message) }

    /// The one mapping from anything a handler can throw to what the caller sees.
    /// Bad input is always a 4xx; only the server's own failures are 5xx.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as DomainError: return from(domain: error)
        case let error as HTTPError:
            switch error.status {
            case .contentTooLarge: return APIError(.contentTooLarge, "body_too_large", "request body over \(MeshDeskRequestContext.bodyBytesMax) bytes")
            case .notFound: return APIError(.notFound, "not_found", "no such resource")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "method_not_allowed", "method not allowed here")
            default:
                let status = error.status.code < 500 ? error.status : .internalServerError
                return APIError(status, status.code < 500 ? "bad_request" : "internal", error.body ?? status.reasonPhrase)
            }
        case let error as DecodingError: return from(decoding: error)
        // A chunked body (no Content-Length) or a form over the bound: `collectBody`
        // stops at the bound with this NIO error, which is the caller's fault, not ours.
        case is NIOTooManyBytesError: return APIError(.contentTooLarge, "body_too_large", "request body over \(MeshDeskRequestContext.bodyBytesMax) bytes")
        default: return APIError(.internalServerError, "internal", "the server failed; the log has the details")
        }
    }

    static func from(domain error: DomainError) -> APIError {
        let message = error.description
        switch error {
        case .unknownActor: return APIError(.forbidden, "unknown_actor", message)
        case .notPermitted: return APIError(.forbidden, "not_permitted", message)
        case .unknownRequest: return APIError(.notFound, "not_found", message)
        case .unknownPerson: return APIError(.unprocessableContent, "unknown_person", message)
        case .inactivePerson: return APIError(.unprocessableContent, "inactive_person", message)
        case .unknownCampus: return APIError(.unprocessableContent, "unknown_campus", message)
        case .unknownPost: return APIError(.unprocessableContent, "unknown_post", message)
        case .unknownShiftKind: return APIError(.unprocessableContent, "unknown_shift_kind", message)
        case .unknownSeat: return APIError(.unprocessableContent, "unknown_seat", message)
        case .missing: return APIError(.unprocessableContent, "missing_field", message)
        case .badDate: return APIError(.unprocessableContent, "bad_date", message)
        case .badMonth: return APIError(.unprocessableContent, "bad_month", message)
        case .badCalendar: return APIError(.unprocessableContent, "bad_calendar", message)
        case .reversedTimes: return APIError(.unprocessableContent, "reversed_times", message)
        case .leaveTooLong: return APIError(.unprocessableContent, "leave_too_long", message)
        case .annualLeaveExceeded: return APIError(.unprocessableContent, "annual_leave_exceeded", message)
        case .overtimeCapExceeded: return APIError(.unprocessableContent, "overtime_cap_exceeded", message)
        case .overtimeNotInAdvance: return APIError(.unprocessableContent, "overtime_not_in_advance", message)
        case .breaksRosterRule: return APIError(.conflict, "breaks_roster_rule", message)
        case .overlapping: return APIError(.conflict, "overlapping", message)
        case .alreadyExists: return APIError(.conflict, "already_exists", message)
        case .wrongState: return APIError(.conflict, "wrong_state", message)
        case .alreadyPublished: return APIError(.conflict, "already_published", message)
        case .notOnDuty: return APIError(.conflict, "not_on_duty", message)
        case .unknownTicket: return APIError(.notFound, "unknown_ticket", message)
        case .unknownAsset: return APIError(.notFound, "unknown_asset", message)
        case .duplicateAssetTag, .duplicateAssetTagInFile: return APIError(.conflict, "duplicate_asset_tag", message)
        case .ambiguousAssetTag: return APIError(.conflict, "ambiguous_asset_tag", message)
        case .badImport: return APIError(.unprocessableContent, "bad_import", message)
        case .invalid: return APIError(.unprocessableContent, "invalid", message)
        case .storage: return APIError(.internalServerError, "storage", "the replica refused the write; the log has the details")
        }
    }

    static func from(decoding error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "body" : keys.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context): return badRequest("wrong_type", "\(path(context)) has the wrong type")
        case .valueNotFound(_, let context): return badRequest("wrong_type", "\(path(context)) must not be null")
        case .keyNotFound(let key, _): return badRequest("missing_field", "field \(key.stringValue) is required")
        case .dataCorrupted(let context): return badRequest("malformed_json", "\(path(context)): \(context.debugDescription)")
        @unknown default: return badRequest("malformed_json", "the body is not the expected JSON")
        }
    }
}
