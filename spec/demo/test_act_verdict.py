"""The demo acts' verdicts (scripts/demo/act_verdict.py) from hand-made records:
pure, no service needed."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts" / "demo"))
import act_verdict  # noqa: E402


def job(index, submitted, completed, status="completed", error_kind=None):
    return {"index": index, "submitted_at": submitted, "completed_at": completed, "status": status,
            "latency": None if completed is None else completed - submitted, "error_kind": error_kind}


def record(jobs, deadline=30, series=()):
    done = [j for j in jobs if j["status"] == "completed"]
    lat = sorted(j["latency"] for j in done)
    p = lambda q: lat[max(0, -(-len(lat) * q // 100) - 1)] if lat else None  # noqa: E731
    misses = sum(1 for j in done if j["latency"] > deadline) + sum(1 for j in jobs if j["status"] == "failed")
    return {"started_at_ms": 1_000_000, "jobs": jobs, "series": list(series), "summary": {
        "deadline": deadline, "submitted": len(jobs), "completed": len(done), "failed": len(jobs) - len(done),
        "offered_per_minute": 60.0, "throughput_per_minute": 50.0, "duration": 100.0, "deadline_misses": misses,
        "missed_percent": 100 * misses / len(jobs), "latency": {"p95": p(95), "p99": p(99), "max": lat[-1] if lat else None}}}


def test_kill_all_completed_and_resumed():
    jobs = [job(0, 1, 2), job(1, 9, 25), job(2, 12, 27), job(3, 30, 32)]
    text, shown = act_verdict.kill_paragraph(record(jobs), kill_ms=1_010_000, restart_ms=1_020_000)
    assert shown
    assert "Nothing was lost: all 4 submitted jobs completed" in text
    assert "1 job was in flight when it died and 2 waiting when it came back" in text
    assert "Processing resumed 5.00 s after the restart: 3 jobs completed after it, 0 while no worker ran" in text


def test_kill_with_a_lost_job_is_not_shown():
    jobs = [job(0, 1, 2), job(1, 9, 130, status="failed", error_kind="timeout"), job(2, 12, 27)]
    text, shown = act_verdict.kill_paragraph(record(jobs), kill_ms=1_010_000, restart_ms=1_020_000)
    assert not shown
    assert "1 of 3 jobs did not complete (timeout 1)" in text


def test_kill_without_resumption_is_not_shown():
    jobs = [job(0, 1, 2), job(1, 3, 4)]
    text, shown = act_verdict.kill_paragraph(record(jobs), kill_ms=1_010_000, restart_ms=1_020_000)
    assert not shown and "processing did not resume" in text


def test_overwhelm_reports_latency_growth_past_the_deadline():
    jobs = [job(i, i, i + 2 + i * 1.5) for i in range(30)]
    text, shown = act_verdict.overwhelm_paragraph(record(jobs, series=[{"name": "resize.IN", "points": [{"t": 0, "value": 3}, {"t": 9, "value": 80}]}]), workers=1)
    assert shown
    assert "With 1 resize worker fixed, 30 jobs arrived at 62.1 jobs per minute over 29.0 s" in text
    assert "The queue peaked at 80 messages" in text
    assert "latency went past the deadline" in text


def test_overwhelm_says_when_the_load_was_too_light():
    text, shown = act_verdict.overwhelm_paragraph(record([job(i, i, i + 1) for i in range(6)]), workers=1)
    assert not shown and "raise DEMO_RATE" in text


def test_autoscale_held_with_comparison():
    workers = {"name": "workers", "points": [{"t": 0, "value": 1}, {"t": 10, "value": 4}, {"t": 70, "value": 2}]}
    compare = record([job(i, i, i + 60) for i in range(5)])
    text, held = act_verdict.autoscale_paragraph(record([job(i, i, i + 5) for i in range(20)], series=[workers]), compare)
    assert held
    assert "Workers went from 1 to at most 4 (ending at 2)" in text
    assert "one fixed worker (act 2) p95 was 60.0 s" in text


def test_autoscale_not_held():
    text, held = act_verdict.autoscale_paragraph(record([job(i, i, i + (40 if i == 0 else 5)) for i in range(20)]))
    assert not held and "did not hold" in text
