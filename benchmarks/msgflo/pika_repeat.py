"""A msgflo Repeat participant in Python with pika, following the same contract
as the Swift one: declares its ports as msgflo-nodejs does, sends discovery,
consumes with a prefetch, publishes each result persistent and confirmed, then acks.
Usage: pika_repeat.py ROLE [PREFETCH]"""
import json
import os
import sys
import uuid

import pika

role = sys.argv[1]
prefetch = int(sys.argv[2]) if len(sys.argv) > 2 else 2
inq, outq = f"{role}.IN", f"{role}.OUT"
params = pika.URLParameters(os.environ.get("MSGFLO_BROKER", "amqp://guest:guest@localhost:5672/"))
conn = pika.BlockingConnection(params)
ch = conn.channel()
ch.confirm_delivery()
ch.exchange_declare(outq, "fanout", durable=True)
ch.queue_declare(inq, durable=True, arguments={"x-dead-letter-exchange": f"dead-{inq}"})
ch.exchange_declare(inq, "fanout", durable=True)
ch.queue_bind(inq, inq)
discovery = {"protocol": "discovery", "command": "participant", "payload": {
    "id": f"{role}-{uuid.uuid4().hex[:8]}", "role": role, "component": "Repeat",
    "inports": [{"id": "in", "type": "any", "queue": inq}],
    "outports": [{"id": "out", "type": "any", "queue": outq}]}}
ch.basic_publish("", "fbp", json.dumps(discovery))
ch.basic_qos(prefetch_count=prefetch)
props = pika.BasicProperties(delivery_mode=2, content_type="application/json")


def on_message(channel, method, properties, body):
    data = json.loads(body)
    channel.basic_publish(outq, "", json.dumps(data), props)  # blocks until confirmed
    channel.basic_ack(method.delivery_tag)


ch.basic_consume(inq, on_message)
print("ready", flush=True)
try:
    ch.start_consuming()
except KeyboardInterrupt:
    pass
