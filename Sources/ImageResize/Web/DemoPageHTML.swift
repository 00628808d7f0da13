import Foundation

/// The demo page itself: one self-contained HTML document (inline CSS and
/// script, no external assets) so it works offline on a projector laptop.
///
/// The page draws one row per job, growing while the job runs and coloured
/// against the deadline, and polls `/jobs?since=` once a second for all of
/// its jobs rather than long-polling each one: a browser opens only six
/// connections per host, and per-job long-polls would queue the submissions
/// behind them and measure the browser instead of the service.
///
/// Query parameters: `autostart=1` starts the load at once, `rate` (jobs per
/// minute), `count` (stop after that many jobs), `deadline` (s), `images`
/// (images per job), `width` (px), `urls` (comma-separated image URLs).
///
/// The document is `DemoPage.html` beside this file, compiled into the
/// executable (`.embedInCode` in Package.swift): no resource bundle has to be
/// found next to the binary at run time, so a copied or relocated executable
/// (a Heroku slug, `.build/release/imageresize` alone) still serves the page.
public enum DemoPageHTML {
    public static func render(_ settings: DemoSettings) -> String {
        template.replacingOccurrences(of: "__DEMO_CONFIG__", with: configJSON(settings))
    }

    /// The page's start-up settings as JSON, safe inside a `<script>` element.
    static func configJSON(_ settings: DemoSettings) -> String {
        var object: [String: Any] = ["images": settings.images, "deadline": settings.deadline, "queue": settings.queue]
        if let graphPage = settings.graphPage { object["graphPage"] = graphPage }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        // "</" would end the script element early; "<\/" means the same in JSON.
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
    }

    /// The page with the `__DEMO_CONFIG__` placeholder for `render` to fill.
    static let template = String(decoding: PackageResources.DemoPage_html, as: UTF8.self)
}
