extension ParticipantDefinition {
    /// A definition whose queues follow the msgflo-nodejs convention
    /// (`<role>.<PORT>`), which is what a worker written in Swift wants in
    /// almost every case: only the port ids vary between workers.
    ///
    /// Ports named in `hidden` are declared and consumed but not announced in
    /// discovery (msgflo's hidden ports). `id` defaults to `<role>-<random>`.
    public static func conventional(
        role: String, component: String, id: String? = nil,
        label: String? = nil, icon: String? = nil, description: String? = nil,
        inports: [String], outports: [String], hidden: Set<String> = [],
        type: String = "object", persistent: Bool? = nil
    ) -> ParticipantDefinition {
        func ports(_ ids: [String]) -> [PortDefinition] {
            ids.map { port in
                PortDefinition(
                    id: port, type: type, queue: conventionalQueue(role: role, port: port),
                    hidden: hidden.contains(port) ? true : nil, persistent: persistent)
            }
        }
        return ParticipantDefinition(
            id: id ?? defaultID(role: role), role: role, component: component,
            label: label, icon: icon, description: description,
            inports: ports(inports), outports: ports(outports))
    }

    /// The inport with this id, if any.
    public func inport(_ id: String) -> PortDefinition? { inports.first { $0.id == id } }
    /// The outport with this id, if any.
    public func outport(_ id: String) -> PortDefinition? { outports.first { $0.id == id } }
}
