"""A write that prints nothing in AWS (tag, attach, add-user, delete ...) says what it did
on stderr, when stderr is a terminal: a person sees it worked, a script's output and logs
stay as aws-cli's (empty)."""

from __future__ import annotations

from iamctl.cli.env import Env

# verb → what was done, by the command's arguments (NOUN VERB ARG1 ARG2 ...).
_SAID = {
    "create": "Created {noun} {0}.",
    "delete": "Deleted {noun} {0}.",
    "update": "Updated {noun} {0}.",
    "tag": "Tagged {noun} {0}: {rest}.",
    "untag": "Removed tags from {noun} {0}: {rest}.",
    "add-user": "Added user {1} to group {0}.",
    "remove-user": "Removed user {1} from group {0}.",
    "attach-policy": "Attached policy {1} to {noun} {0}.",
    "detach-policy": "Detached policy {1} from {noun} {0}.",
    "put-policy": "Put inline policy {1} on {noun} {0}.",
    "delete-policy": "Deleted inline policy {1} of {noun} {0}.",
}


def report(env: Env, argv: list[str]) -> None:
    if not env.wrote or env.spoke or not env.stderr.isatty():
        return
    env.info(message(argv))


def message(argv: list[str]) -> str:
    words = [a for a in argv if not a.startswith("-")]
    noun, verb, args = (*words[:2], "", "")[0], (*words[:2], "", "")[1], words[2:]
    template = _SAID.get(verb)
    if template is not None:
        try:
            return template.format(*args, noun=noun, rest=" ".join(args[1:]))
        except IndexError:
            pass
    return f"Done: iamctl {' '.join(argv)}"
