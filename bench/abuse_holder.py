#!/usr/bin/env python3
"""Holds connections open against a server the way a hostile client would, for bench/abuse.

  abuse_holder.py PORT IDLE HALF_OPEN SECONDS

IDLE connections each send one whole request, read the answer and then keep the connection open
without a word; HALF_OPEN connections send the start of a request and never finish it. Whenever
the server closes one, it is opened again at once: the attacker does not give up. Prints, at the
end, how many were open on average and how often the server closed them.
"""
import asyncio
import sys
import time

HOST = "127.0.0.1"


async def hold(port, idle, stop, stats):
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            stats["refused"] += 1
            await asyncio.sleep(0.05)
            continue
        try:
            if idle:
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
                await writer.drain()
                await reader.readuntil(b"\r\n\r\n")
            else:
                writer.write(b"GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: sl")
                await writer.drain()
            stats["open"] += 1
            # Wait until the server closes it (or the run ends).
            try:
                await asyncio.wait_for(reader.read(65536 if not idle else 1), stop - time.monotonic())
                while True:
                    data = await asyncio.wait_for(reader.read(65536), stop - time.monotonic())
                    if not data:
                        break
            except (asyncio.TimeoutError, ValueError):
                pass
            stats["open"] -= 1
            stats["closed_by_server"] += 1
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            stats["errors"] += 1
        finally:
            writer.close()


async def main():
    port, idle, half, seconds = (int(a) for a in sys.argv[1:5])
    stop = time.monotonic() + seconds
    stats = {"open": 0, "closed_by_server": 0, "refused": 0, "errors": 0}
    tasks = [asyncio.create_task(hold(port, True, stop, stats)) for _ in range(idle)]
    tasks += [asyncio.create_task(hold(port, False, stop, stats)) for _ in range(half)]
    samples = []
    while time.monotonic() < stop:
        await asyncio.sleep(1)
        samples.append(stats["open"])
    await asyncio.gather(*tasks, return_exceptions=True)
    mean = sum(samples) / max(len(samples), 1)
    print(
        f"holder: {idle} idle + {half} half-open wanted; {mean:.0f} open on average, "
        f"{max(samples, default=0)} at most; the server closed {stats['closed_by_server']}, "
        f"refused {stats['refused']}, errors {stats['errors']}",
        flush=True,
    )


asyncio.run(main())
