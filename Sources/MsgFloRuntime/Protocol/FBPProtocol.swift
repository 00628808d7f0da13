/// The sub-protocols of the FBP network protocol (fbp-protocol 0.9).
///
/// Every message names one; errors are answered on the protocol the request
/// used (`graph:error` for a graph command), which is why a decoding failure
/// remembers it whenever it could be read.
public enum FBPProtocol: String, Sendable, Hashable, CaseIterable {
    case runtime, component, graph, network, trace

    /// The command every sub-protocol uses to report a failed request.
    public static let errorCommand = "error"
}
