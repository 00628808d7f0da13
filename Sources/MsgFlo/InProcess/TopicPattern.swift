/// AMQP topic-exchange matching: words separated by `.`, `*` matches exactly
/// one word and `#` zero or more words.
enum TopicPattern {
    static func matches(pattern: String, routingKey: String) -> Bool {
        let patternWords = pattern.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let keyWords = routingKey.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return match(patternWords[...], keyWords[...])
    }

    private static func match(_ pattern: ArraySlice<String>, _ key: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return key.isEmpty }
        if first == "#" {
            let rest = pattern.dropFirst()
            // `#` swallows zero or more words.
            var remaining = key
            while true {
                if match(rest, remaining) { return true }
                if remaining.isEmpty { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let word = key.first else { return false }
        guard first == "*" || first == word else { return false }
        return match(pattern.dropFirst(), key.dropFirst())
    }
}
