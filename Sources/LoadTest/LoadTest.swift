// The LoadTest module: the load generator and reports of the image-resize demo.
//
// Pieces, in the order a run uses them:
//   ArrivalProfile (+ its spec grammar, see ArrivalProfileSpec.swift) and
//   ArrivalTimes       when jobs arrive: seeded Poisson / steps / ramp / spike
//   JobFactory         what each job asks for: N images from a URL list
//   JobClient          how a job is submitted and awaited; HTTPJobClient talks
//                      to the service (POST /jobs + long-poll, or the 2017 API)
//   LoadRunner         the open-loop runner (actor): timings, error kinds,
//                      in-flight cap, progress snapshots
//   Sampler            polls caller closures for queue depth / worker series
//   LoadSummary, SummaryTable, Verdict
//                      the figures, the table and the closing paragraph
//   RunRecord          the JSON file of a run; HTMLReport / ReportCharts make
//                      the self-contained report with inline SVG charts
//   LoadTestSession, RunArtifacts
//                      all of the above wired together for an executable
//
// Wiring, as an executable would do it:
//
//   let configuration = LoadRunConfiguration(
//       profile: try ArrivalProfile(spec: "poisson:120"), bounds: RunBounds(duration: 300), seed: 1,
//       jobs: try JobFactory(urls: urls, imagesPerJob: 3, width: 400, height: 400), deadline: 30)
//   let client = HTTPJobClient(baseURL: URL(string: "http://localhost:3000")!)
//   let record = try await LoadTestSession(configuration: configuration, client: client, probes: [
//       Sampler.Probe(name: "resize.IN", unit: "messages") { try await queueDepth("resize.IN") },
//   ]).run()
//   print(SummaryTable.render(record.summary))
//   print(Verdict.paragraph(for: record.summary))
//   try RunArtifacts.write(record, to: URL(fileURLWithPath: "reports"), name: "act3")
