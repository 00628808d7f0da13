import Foundation

/// Components every msgflo installation has, for wiring tests, benchmarks and
/// demos without writing code (the msgflo-nodejs test participants' names).
public enum BuiltinComponents {
    public static let names = ["Repeat", "DevNull", "Fail", "Crash"]

    /// The definition and handler of a built-in component, or nil when unknown.
    public static func make(_ name: String, role: String, id: String? = nil) -> (ParticipantDefinition, Participant.RawHandler)? {
        switch name.split(separator: "/").last.map(String.init) ?? name {
        case "Repeat":
            return (
                .conventional(
                    role: role, component: "Repeat", id: id, label: "Repeats its input", icon: "repeat",
                    inports: ["in"], outports: ["out"]),
                { _, message, output in try await output.send("out", data: message.body) }
            )
        case "DevNull":
            return (
                .conventional(
                    role: role, component: "DevNull", id: id, label: "Drops its input", icon: "trash",
                    inports: ["in"], outports: []),
                { _, _, _ in }
            )
        case "Fail":
            return (
                .conventional(
                    role: role, component: "Fail", id: id, label: "Fails every message", icon: "bomb",
                    inports: ["in"], outports: ["error"]),
                { _, _, _ in throw BuiltinFailure() }
            )
        case "Crash":
            // A poison message on demand: the process dies holding it, as a
            // worker that segfaults or is OOM-killed on one input does.
            return (
                .conventional(
                    role: role, component: "Crash", id: id, label: "Repeats its input; exits the process on \"crash\"", icon: "bolt",
                    inports: ["in"], outports: ["out", "error"]),
                { _, message, output in
                    if message.json == .string("crash") { exit(70) }
                    try await output.send("out", data: message.body)
                }
            )
        default:
            return nil
        }
    }

    struct BuiltinFailure: Error, CustomStringConvertible {
        var description: String { "Fail always fails" }
    }
}
