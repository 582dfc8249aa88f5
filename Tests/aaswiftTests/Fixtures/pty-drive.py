#!/usr/bin/env python3
# Drives a program in a pseudo-terminal from a script: lines "expect TEXT" wait for TEXT in the
# output, "send TEXT" types it (\n, \e, \xHH escapes allowed), "shell CMD" runs a shell command. Prints the transcript; exit 3 on a
# timeout, otherwise the program's exit status.
import os, pty, re, select, sys, time

os.environ.setdefault("PTY_DRIVE", "1")

script, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.environ["NO_COLOR"] = "1"
    os.execv(argv[0], argv)

transcript = b""
pending = b""

def fill(timeout):
    global transcript, pending
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return False
    try:
        data = os.read(fd, 4096)
    except OSError:
        data = b""
    if not data:
        return None
    transcript += data
    pending += data
    return True

def expect(text):
    global pending
    want = text.encode()
    end = time.time() + 20
    while want not in pending:
        left = end - time.time()
        got = fill(max(0, left)) if left > 0 else False
        if not got:
            sys.stdout.write(transcript.decode(errors="replace"))
            sys.stderr.write("TIMEOUT or EOF waiting for %r\n" % text)
            sys.exit(3)
    pending = pending[pending.index(want) + len(want):]

for line in open(script).read().split("\n"):
    if line.startswith("expect "):
        expect(line[7:])
    elif line.startswith("shell "):
        os.system(line[6:])
    elif line.startswith("send "):
        text = line[5:].replace("\\n", "\n").replace("\\e", "\x1b")
        os.write(fd, re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text).encode())

end = time.time() + 30
while time.time() < end and fill(end - time.time()):
    pass
done, status = 0, 0
for _ in range(100):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.1)
if done == 0:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    sys.stdout.write(transcript.decode(errors="replace"))
    sys.stderr.write("the program did not end\n")
    sys.exit(5)
sys.stdout.write(transcript.decode(errors="replace"))
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 4)
