"""Measures a Repeat participant's throughput: pre-fills ROLE.IN with N persistent
messages while no participant runs, binds a sink queue to ROLE.OUT, then runs
the participant command and times until N messages reached the sink.
Usage: drive.py ROLE N -- COMMAND...   Prints: msgs_per_sec"""
import json
import os
import subprocess
import sys
import time

import pika

role, n = sys.argv[1], int(sys.argv[2])
command = sys.argv[sys.argv.index("--") + 1:]
inq, outq, sink = f"{role}.IN", f"{role}.OUT", f"{role}.bench-sink"
params = pika.URLParameters(os.environ.get("MSGFLO_BROKER", "amqp://guest:guest@localhost:5672/"))
conn = pika.BlockingConnection(params)
ch = conn.channel()
for q in (inq, sink):
    ch.queue_delete(q)
ch.exchange_declare(outq, "fanout", durable=True)
ch.queue_declare(inq, durable=True, arguments={"x-dead-letter-exchange": f"dead-{inq}"})
ch.exchange_declare(inq, "fanout", durable=True)
ch.queue_bind(inq, inq)
ch.queue_declare(sink, durable=True)
ch.queue_bind(sink, outq)
props = pika.BasicProperties(delivery_mode=2, content_type="application/json")
body = json.dumps({"payload": "x" * 100, "n": 0})
for i in range(n):
    ch.basic_publish("", inq, body, props)
ch.connection.process_data_events(0)
while ch.queue_declare(inq, durable=True, arguments={"x-dead-letter-exchange": f"dead-{inq}"}, passive=True).method.message_count < n:
    time.sleep(0.05)

proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
start = None
try:
    while True:
        depth = ch.queue_declare(inq, passive=True).method.message_count
        if start is None and depth < n:
            start = time.monotonic()
        done = ch.queue_declare(sink, passive=True).method.message_count
        if done >= n:
            break
        time.sleep(0.01)
    elapsed = time.monotonic() - start
finally:
    proc.terminate()
    proc.wait(10)
ch.queue_delete(sink)
ch.queue_delete(inq)
print(f"{n / elapsed:.0f}")
