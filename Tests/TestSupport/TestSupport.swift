// TestSupport: what every test target shares, one of each.
//
// - Waiting: `eventually` (says whether a condition came true within a
//   timeout), `waitUntil` (throws `TestTimeout` instead), `waitForValue`
//   (Eventually.swift). Timeouts bound hangs; they never assert on speed.
// - Quiet logs: `.logsOnFailure` on every suite (LogsOnFailure.swift) prints
//   a test's log lines, and the logs of the processes it started, only when it
//   fails. Tests that check log lines use `LogRecorder`.
// - An HTTP peer: `TestHTTPServer` (canned answers, a `Router`, or a script
//   that writes the raw wire), for tests of HTTP clients and of code that
//   needs a server. Tests of the HTTPServer module use that module.
// - Brokers: the shared RabbitMQ (`AMQPTestBroker`, `RabbitManagement`) and
//   mosquitto (`MQTTTestBroker`); private ones that a test may stop, freeze or
//   configure (`PrivateRabbitMQ`, `PrivateMosquitto`), run under
//   `flock /tmp/msgflo-private-servers.lock`.
// - Processes: `BuiltExecutable` (msgflo, imageresize, guv built beside the
//   tests, their output in a log the failure report shows), `TestCommand`
//   (scripts/services, openssl, vips: posix_spawn with default signals).
// - In-process messaging: `Mailbox`, `QueueSink`; test images: `BombImages`.
