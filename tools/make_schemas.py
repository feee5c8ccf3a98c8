"""Regenerate schemas/ from the models: `make schemas`."""

from __future__ import annotations

from pathlib import Path

from quanze.schemas import rendered

OUT = Path(__file__).parents[1] / "schemas"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    texts = rendered()
    for stale in OUT.glob("*.schema.json"):
        if stale.name not in texts:
            stale.unlink()
    for name, text in texts.items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(texts)} schemas to {OUT}")


if __name__ == "__main__":
    main()
