import MsgFlo

/// Splits a byte stream into MQTT packets: one type-and-flags byte, a
/// variable-length "remaining length", then that many bytes.
enum MQTTFrame {
    /// The largest remaining length the four-byte varint can express.
    static let protocolMaximum = 268_435_455

    /// The varint of `length` (7 bits per byte, high bit = more follows).
    static func encodeLength(_ length: Int) -> [UInt8] {
        var remaining = length
        var out: [UInt8] = []
        repeat {
            var byte = UInt8(remaining % 128)
            remaining /= 128
            if remaining > 0 { byte |= 0x80 }
            out.append(byte)
        } while remaining > 0
        return out
    }

    /// The first complete packet at the start of `buffer`, as its header byte,
    /// its body and the number of bytes it took; nil when more bytes are needed.
    /// Throws on a length the stream can never satisfy.
    static func next(in buffer: ArraySlice<UInt8>, maximumSize: Int) throws(MQTTPacketError)
        -> (header: UInt8, body: ArraySlice<UInt8>, consumed: Int)?
    {
        guard let first = buffer.first else { return nil }
        var length = 0
        var multiplier = 1
        var index = buffer.index(after: buffer.startIndex)
        var lengthBytes = 0
        while true {
            guard index < buffer.endIndex else {
                return nil
            }
            let byte = buffer[index]
            lengthBytes += 1
            guard lengthBytes <= 4 else { throw .malformedLength }
            length += Int(byte & 0x7F) * multiplier
            multiplier *= 128
            index = buffer.index(after: index)
            if byte & 0x80 == 0 { break }
            if lengthBytes == 4 { throw .malformedLength }
        }
        guard length <= maximumSize else { throw .tooLarge(size: length, limit: maximumSize) }
        let headerSize = 1 + lengthBytes
        guard buffer.count >= headerSize + length else { return nil }
        let bodyStart = buffer.startIndex + headerSize
        return (first, buffer[bodyStart..<bodyStart + length], headerSize + length)
    }
}
