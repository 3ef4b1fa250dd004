#!/usr/bin/env python3
"""A real SMTP server for the tests and bench/email-fanout (aiosmtpd, from Debian's
python3-aiosmtpd). Usage: smtp_sink.py OUTPUT.jsonl [--count-only]

Listens on a free port of 127.0.0.1 and prints "ready PORT". Every accepted mail is appended
to OUTPUT.jsonl as one JSON object (envelope, headers, text and HTML parts), or, with
--count-only, as one line "1" (for benchmarks). Recipients whose address starts with "bounce"
are refused with 550, as a mail server refuses an unknown mailbox. Stops when stdin closes."""

import asyncio
import email
import email.policy
import json
import socket
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, count_only):
        self.out = out
        self.count_only = count_only

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("bounce"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.count_only:
            self.out.write("1\n")
        else:
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            parts = {}
            attachments = []
            for part in msg.walk():
                if part.get_content_maintype() == "text":
                    parts[part.get_content_type()] = part.get_content()
                if part.get_content_disposition() == "attachment":
                    attachments.append({
                        "content_type": part.get_content_type(),
                        "method": part.get_param("method"),
                        "filename": part.get_filename(),
                        "content": part.get_content(),
                    })
            self.out.write(json.dumps({
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "headers": {k: str(v) for k, v in msg.items()},
                "text": parts.get("text/plain"),
                "html": parts.get("text/html"),
                "attachments": attachments,
            }) + "\n")
        self.out.flush()
        return "250 Message accepted"


def main():
    path = sys.argv[1]
    count_only = "--count-only" in sys.argv
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open(path, "a", encoding="utf-8") as out:
        controller = Controller(Sink(out, count_only), hostname="127.0.0.1", port=port)
        controller.start()
        print(f"ready {port}", flush=True)
        sys.stdin.read()
        controller.stop()


if __name__ == "__main__":
    main()
