#!/usr/bin/env python3
"""Serves a folder of images on 127.0.0.1 for the demo acts, optionally
waiting DELAY seconds before each answer.

The delay stands in for the network time of fetching an image from a remote
store (the 2017 demo fetched from the web and uploaded to S3): a resize worker
then spends most of each job waiting, not computing, so adding workers adds
throughput even on a two-core laptop, as it would across dynos.

    image-server.py DIR PORT [--delay SECONDS]
"""
import argparse
import functools
import http.server
import time


class DelayedHandler(http.server.SimpleHTTPRequestHandler):
    delay = 0.0

    def do_GET(self):
        if self.delay > 0:
            time.sleep(self.delay)
        super().do_GET()

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A worker killed mid-download (act 1) breaks its connection: expected.
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("port", type=int)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    DelayedHandler.delay = args.delay
    handler = functools.partial(DelayedHandler, directory=args.directory)
    server = QuietServer(("127.0.0.1", args.port), handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
