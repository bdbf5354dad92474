"""`python -m plexsim serve ...`: run the Plex Media Server simulator on loopback."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from plexsim.model import Library
from plexsim.server import SimulatorConfig, make_server


def dataset_factory(dataset: str, seed: int, scale: int | None) -> Callable[[], Library]:
    """How to build the starting library: the generated demo (optionally scaled) or a JSON dataset file."""
    if dataset == "demo":
        from plexsim.dataset import generate

        return lambda: generate(seed=seed, scale=scale)
    path = Path(dataset)
    if not path.is_file():
        raise SystemExit(f"plexsim: --dataset {dataset}: no such file (use 'demo' or a JSON file)")
    from plexsim.persist import load

    return lambda: load(path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plexsim", description="A Plex Media Server simulator for tests and demos."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a library over HTTP, as Plex does")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=32400, help="port (default 32400; 0 picks a free one)")
    serve.add_argument("--dataset", default="demo", help="'demo' (generated) or a JSON dataset file")
    serve.add_argument("--scale", type=int, default=None, help="number of movies to generate (demo only)")
    serve.add_argument("--seed", type=int, default=1, help="generator seed (demo only)")
    tokens = serve.add_mutually_exclusive_group()
    tokens.add_argument(
        "--token", default=None, help="require this X-Plex-Token (default: accept any request)"
    )
    tokens.add_argument(
        "--token-file",
        type=Path,
        default=None,
        help="require the X-Plex-Token on the first line of this file (keeps it out of `ps`)",
    )
    serve.add_argument(
        "--state", type=Path, default=None, help="load and keep the library state in this file"
    )
    serve.add_argument("--verbose", action="store_true", help="log every request")
    export = commands.add_parser("export", help="write the generated dataset to a JSON file")
    export.add_argument("file", type=Path)
    export.add_argument("--scale", type=int, default=None)
    export.add_argument("--seed", type=int, default=1)
    return parser


def _interrupt(signum: int, frame: object) -> None:
    """Stop as Ctrl-C does; a second SIGTERM or Ctrl-C during shutdown is ignored, not a traceback."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _starting_library(args: argparse.Namespace, factory: Callable[[], Library]) -> tuple[Library, str]:
    """The library to serve: the saved state when `--state` names an existing file, else the dataset."""
    if args.state is not None and args.state.exists():
        from plexsim.persist import load

        try:
            return load(args.state), f"state {args.state}"
        except ValueError as exc:
            raise SystemExit(f"plexsim: --state {exc}") from None
    try:
        return factory(), f"dataset {args.dataset}"
    except ValueError as exc:
        raise SystemExit(f"plexsim: --dataset {args.dataset}: {exc}") from None


def _save_initial_state(library: Library, path: Path) -> None:
    """Create the state file before listening, so a wrong path fails at once and clients find it written."""
    from plexsim.persist import save

    try:
        save(library, path)
    except OSError as exc:
        raise SystemExit(f"plexsim: --state {path}: cannot write: {exc.strerror or exc}") from None


def required_token(args: argparse.Namespace) -> str | None:
    """The token from ``--token`` or the first line of ``--token-file`` (None: accept any request)."""
    if args.token_file is None:
        token: str | None = args.token
        return token
    try:
        lines = args.token_file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SystemExit(f"plexsim: --token-file {args.token_file}: {exc.strerror or exc}") from None
    if not lines or not lines[0].strip():
        raise SystemExit(f"plexsim: --token-file {args.token_file}: the first line holds no token")
    return lines[0].strip()


def serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops as Ctrl-C does: state saved, exit status 0
    if args.scale is not None and args.scale < 0:
        raise SystemExit(f"plexsim: --scale must be >= 0, got {args.scale}")
    token = required_token(args)
    factory = dataset_factory(args.dataset, args.seed, args.scale)
    started = time.monotonic()
    try:
        library, origin = _starting_library(args, factory)
        if args.state is not None and not args.state.exists():
            _save_initial_state(library, args.state)
        config = SimulatorConfig(token=token, state_file=args.state)
        try:
            server = make_server(library, args.host, args.port, config, reset=factory)
        except OSError as exc:
            raise SystemExit(
                f"plexsim: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
            ) from None
    except KeyboardInterrupt:
        return 0
    try:
        movies = sum(1 for item in library.iter_items() if item.type == "movie")
        shows = sum(1 for item in library.iter_items() if item.type == "show")
        print(
            f"plexsim: serving {movies} movies and {shows} shows from {origin} on {server.url} "
            f"(machineIdentifier {library.machine_identifier}, ready in {time.monotonic() - started:.1f}s)",
            flush=True,
        )
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if server.saver:
            server.saver.stop()
    return 0


def export(args: argparse.Namespace) -> int:
    from plexsim.dataset import generate
    from plexsim.persist import save

    if args.scale is not None and args.scale < 0:
        raise SystemExit(f"plexsim: --scale must be >= 0, got {args.scale}")
    try:
        save(generate(seed=args.seed, scale=args.scale), args.file)
    except OSError as exc:
        raise SystemExit(f"plexsim: cannot write {args.file}: {exc.strerror or exc}") from None
    print(f"plexsim: wrote {args.file}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return serve(args) if args.command == "serve" else export(args)


if __name__ == "__main__":
    sys.exit(main())
