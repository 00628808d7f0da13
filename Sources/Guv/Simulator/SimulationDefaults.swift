/// The scenario `guv simulate` uses without a config: the image-resize role.
public enum SimulationDefaults {
    public static let resizeConfig = """
        '*': {pollinterval: 5, history: 60}
        resize: {queue: resize.IN, concurrency: 2, processing: 0.15, deadline: 30, minimum: 1, maximum: 6, boot: 2, policy: predictive}
        """
}
