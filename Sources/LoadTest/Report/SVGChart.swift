/// A small SVG chart: title, framed plot area, axes with ticks and labels, a
/// legend, and marks supplied in data coordinates. Hand-made so that the
/// report is one self-contained file with no JavaScript or CSS libraries.
public struct SVGChart: Sendable {
    public var id: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xAxis: ChartAxis
    public var yAxis: ChartAxis
    public var width: Double = 900
    public var height: Double = 320
    private var marks: [String] = []
    private var legend: [(label: String, color: String, shape: LegendShape)] = []

    public enum LegendShape: Sendable { case dot, line, dashedLine, box }

    let left = 70.0, right = 24.0, top = 56.0, bottom = 48.0

    public init(id: String, title: String, xLabel: String, yLabel: String, xAxis: ChartAxis, yAxis: ChartAxis) {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xAxis = xAxis
        self.yAxis = yAxis
    }

    // MARK: Coordinates

    func px(_ x: Double) -> Double {
        left + (x - xAxis.lower) / (xAxis.upper - xAxis.lower) * (width - left - right)
    }

    func py(_ y: Double) -> Double {
        height - bottom - (y - yAxis.lower) / (yAxis.upper - yAxis.lower) * (height - top - bottom)
    }

    // MARK: Marks

    /// A dot at (x, y); `tooltip` becomes an SVG `<title>` shown on hover.
    public mutating func circle(x: Double, y: Double, radius: Double = 3, color: String, cssClass: String, tooltip: String? = nil) {
        let tip = tooltip.map { "<title>\(xmlEscaped($0))</title>" } ?? ""
        marks.append(
            "<circle class=\"\(cssClass)\" cx=\"\(n(px(x)))\" cy=\"\(n(py(y)))\" r=\"\(n(radius))\" fill=\"\(color)\" fill-opacity=\"0.8\">\(tip)</circle>"
        )
    }

    /// A line across the plot at height y, labelled at its right end.
    public mutating func horizontalLine(y: Double, color: String, cssClass: String, label: String) {
        let yy = n(py(y))
        marks.append(
            "<line class=\"\(cssClass)\" x1=\"\(n(left))\" y1=\"\(yy)\" x2=\"\(n(width - right))\" y2=\"\(yy)\" stroke=\"\(color)\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
        )
        marks.append(
            "<text class=\"\(cssClass)-label\" x=\"\(n(width - right - 4))\" y=\"\(n(py(y) - 5))\" text-anchor=\"end\" fill=\"\(color)\">\(xmlEscaped(label))</text>"
        )
    }

    /// A polyline through the points; `step` holds each value until the next
    /// point, for counts that jump (jobs in flight, workers).
    public mutating func path(_ points: [TimeSeries.Point], color: String, cssClass: String, name: String, step: Bool) {
        guard let first = points.first else { return }
        var d = "M\(n(px(first.t))),\(n(py(first.value)))"
        var previous = first
        for point in points.dropFirst() {
            if step { d += " L\(n(px(point.t))),\(n(py(previous.value)))" }
            d += " L\(n(px(point.t))),\(n(py(point.value)))"
            previous = point
        }
        marks.append(
            "<path class=\"\(cssClass)\" data-series=\"\(xmlEscaped(name))\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>")
    }

    /// A bar from `y0` to `y1` over `x0...x1` (stack bars by passing the lower bar's top as `y0`).
    public mutating func bar(x0: Double, x1: Double, y0: Double = 0, y1: Double, color: String, cssClass: String, tooltip: String? = nil) {
        guard y1 > y0 else { return }
        let tip = tooltip.map { "<title>\(xmlEscaped($0))</title>" } ?? ""
        let x = px(x0) + 1
        let w = max(px(x1) - px(x0) - 2, 1)
        marks.append(
            "<rect class=\"\(cssClass)\" x=\"\(n(x))\" y=\"\(n(py(y1)))\" width=\"\(n(w))\" height=\"\(n(py(y0) - py(y1)))\" fill=\"\(color)\">\(tip)</rect>"
        )
    }

    /// A note in the middle of the plot, for charts without data.
    public mutating func note(_ text: String) {
        marks.append(
            "<text class=\"note\" x=\"\(n((left + width - right) / 2))\" y=\"\(n((top + height - bottom) / 2))\" text-anchor=\"middle\" fill=\"#777\">\(xmlEscaped(text))</text>"
        )
    }

    public mutating func addLegend(_ label: String, color: String, shape: LegendShape) {
        legend.append((label, color, shape))
    }

    // MARK: Rendering

    public func render() -> String {
        var out: [String] = []
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(xmlEscaped(id))\" class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" font-family=\"sans-serif\" font-size=\"12\">"
        )
        out.append("<text class=\"title\" x=\"\(n(left))\" y=\"22\" font-size=\"16\" font-weight=\"bold\">\(xmlEscaped(title))</text>")
        let plotBottom = height - bottom
        let plotRight = width - right
        out.append(
            "<rect class=\"plot\" x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotRight - left))\" height=\"\(n(plotBottom - top))\" fill=\"#fafafa\" stroke=\"#999\"/>"
        )
        for tick in yAxis.ticks {
            let y = n(py(tick))
            out.append("<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(y)\" x2=\"\(n(plotRight))\" y2=\"\(y)\" stroke=\"#e4e4e4\"/>")
            out.append("<line class=\"tick\" x1=\"\(n(left - 5))\" y1=\"\(y)\" x2=\"\(n(left))\" y2=\"\(y)\" stroke=\"#333\"/>")
            out.append("<text class=\"tick-label y\" x=\"\(n(left - 8))\" y=\"\(n(py(tick) + 4))\" text-anchor=\"end\">\(yAxis.label(tick))</text>")
        }
        for tick in xAxis.ticks {
            let x = n(px(tick))
            out.append("<line class=\"tick\" x1=\"\(x)\" y1=\"\(n(plotBottom))\" x2=\"\(x)\" y2=\"\(n(plotBottom + 5))\" stroke=\"#333\"/>")
            out.append("<text class=\"tick-label x\" x=\"\(x)\" y=\"\(n(plotBottom + 18))\" text-anchor=\"middle\">\(xAxis.label(tick))</text>")
        }
        out.append(
            "<text class=\"axis-label x\" x=\"\(n((left + plotRight) / 2))\" y=\"\(n(height - 8))\" text-anchor=\"middle\">\(xmlEscaped(xLabel))</text>"
        )
        out.append(
            "<text class=\"axis-label y\" transform=\"translate(16 \(n((top + plotBottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(xmlEscaped(yLabel))</text>"
        )
        out.append("<g class=\"marks\">")
        out.append(contentsOf: marks)
        out.append("</g>")
        out.append(renderLegend())
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    private func renderLegend() -> String {
        var items: [String] = ["<g class=\"legend\">"]
        // Right-aligned on the line under the title; roughly 7 px per character.
        let widths = legend.map { 26 + Double($0.label.count) * 7 }
        var x = width - right - widths.reduce(0, +)
        let y = 40.0
        for (item, itemWidth) in zip(legend, widths) {
            switch item.shape {
            case .dot:
                items.append("<circle cx=\"\(n(x + 6))\" cy=\"\(n(y - 4))\" r=\"4\" fill=\"\(item.color)\"/>")
            case .line:
                items.append(
                    "<line x1=\"\(n(x))\" y1=\"\(n(y - 4))\" x2=\"\(n(x + 14))\" y2=\"\(n(y - 4))\" stroke=\"\(item.color)\" stroke-width=\"2\"/>")
            case .dashedLine:
                items.append(
                    "<line x1=\"\(n(x))\" y1=\"\(n(y - 4))\" x2=\"\(n(x + 14))\" y2=\"\(n(y - 4))\" stroke=\"\(item.color)\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"
                )
            case .box:
                items.append("<rect x=\"\(n(x))\" y=\"\(n(y - 10))\" width=\"12\" height=\"12\" fill=\"\(item.color)\"/>")
            }
            items.append("<text class=\"legend-label\" x=\"\(n(x + 18))\" y=\"\(n(y))\">\(xmlEscaped(item.label))</text>")
            x += itemWidth
        }
        items.append("</g>")
        return items.joined(separator: "\n")
    }

    /// Coordinates with one decimal: enough on screen, small in the file.
    private func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
    }
}

/// Escapes text for XML and HTML content and attribute values.
public func xmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
