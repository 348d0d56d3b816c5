#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal and answers its prompts, for tests of interactive steps.

usage: pty-answer.py ANSWERS.json -- COMMAND [ARGS...]
ANSWERS.json is a list of [prompt substring, answer] pairs, used in order; a third element, if
present, is a shell command run just before that answer is typed (to change the world at that
moment, e.g. pull a token). The answers file is how tests hand PINs to a terminal prompt
without putting them in argv or the environment.
Exits with the command's exit code; everything the command wrote is echoed on stdout.
A command that waits for input no answer matches is killed after 120 s of silence.
The answer "{share-word}" types the word a SLIP-39 share hand-out asks for ("type word N of
your share"), read from the share shown on the screen just before, as the custodian would.
"""
import json, os, pty, re, select, signal, subprocess, sys

def share_word(seen, at):
    """The word whose number the prompt at `at` asks for, from the last share shown before it."""
    number = int(re.findall(rb"type word (\d+) of your share", seen[:at + 64])[-1])
    shown = seen[seen.rfind(b"SHARE FOR", 0, at):at]
    words = dict(re.findall(rb"(\d+)\.\s+([a-z]+)", shown))
    return words[str(number).encode()].decode()

def main():
    sep = sys.argv.index("--")
    answers = json.load(open(sys.argv[1]))
    command = sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    seen = b""
    cursor = 0  # answers match only text that arrived after the previous answered prompt
    while True:
        ready, _, _ = select.select([fd], [], [], 120)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            sys.stdout.write(seen.decode(errors="replace") + "\n[pty-answer: timed out waiting for output]\n")
            break
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
        while answers:
            at = seen.find(answers[0][0].encode(), cursor)
            if at < 0:
                break
            entry = answers.pop(0)
            prompt, answer = entry[0], entry[1]
            if len(entry) > 2:
                subprocess.run(entry[2], shell=True, check=True)
            if answer == "{share-word}":
                answer = share_word(seen, at)
            cursor = at + len(prompt.encode())
            # A control character (Ctrl-C) is sent alone, as a person would press it.
            os.write(fd, (answer if answer in ("\x03", "\x04") else answer + "\n").encode())
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))

main()
