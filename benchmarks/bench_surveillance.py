"""Conduct surveillance at scale: a year of 100,000 orders and 20,000 trades over five accounts.

    python benchmarks/bench_surveillance.py [--orders 100000] [--trades 20000] [--keep DIR]

Generates an organization with one registry account and four exchange trading accounts that
settle in it (five controlled accounts, one trade ledger each, rows in CSV files), a year of
daily closes, and orders and trades at random times in the trading sessions of 2025 (seeded:
the same files every run). Then prints, measured in the same run on the same files:

- baseline: a bare csv.reader pass over the ledgers' CSV files (the floor of any check that
  reads every row);
- `cms check` as a whole process (python -m cms_build.cli check, interpreter start-up,
  loading, validation, every computation and rule);

and the ratio of the two. The issue's target is the whole process under 5 s on the 2-core
reference machine; nothing here asserts a time (machines differ), it prints.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2025-12-31"
ENVELOPE = {
    "status": "approved",
    "doc_no": "DOC",
    "version": "1.0",
    "author": "周敏",
    "owner": "碳资产管理部",
    "approved_by": "总会计师",
    "approved_on": "2025-01-08",
    "effective": "2025-01-10",
    "next_review": "2099-12-31",
    "confidentiality": "internal",
}
ACCOUNTS = ["ACC-REG", "ACC-T1", "ACC-T2", "ACC-T3", "ACC-T4"]


def _write(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _account(rid: str, registry: bool) -> dict:
    data = {
        "kind": "trading_account",
        "id": rid,
        "title": rid,
        **ENVELOPE,
        "role": "registry" if registry else "trading",
        "markets": ["national_ets"],
        "institution": "基准测试",
        "account_number": f"{rid}-NO",
        "holder": "基准测试发电",
        "opened_on": "2021-01-04",
        "controllers": [{"name": "张三", "role": "account_manager", "from": "2021-01-04"}],
        "security_controls": {"procedure": "账户安全管理办法", "dual_authorization": True, "no_lending": True},
    }
    if not registry:
        data.update(exchange="SEEE", settles_in="ACC-REG")
    return data


def trading_days(year: int) -> list[dt.date]:
    d, out = dt.date(year, 1, 2), []
    while d.year == year:
        if d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def session_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A random second in 9:30-11:30 or 13:00-15:00."""
    s = rng.randrange(4 * 3600)
    start = 9 * 3600 + 1800 if s < 7200 else 13 * 3600 - 7200
    s += start
    return dt.datetime(day.year, day.month, day.day, s // 3600, s // 60 % 60, s % 60)


def generate(root: Path, n_orders: int, n_trades: int) -> list[Path]:
    rng = random.Random(20251231)
    root.mkdir(parents=True)
    (root / "cms.yaml").write_text(
        yaml.safe_dump({"organization": {"name": "基准测试发电有限公司"}, "subsystems": ["B", "C"]}, allow_unicode=True), encoding="utf-8"
    )
    for i, rid in enumerate(ACCOUNTS):
        _write(root / f"trading/{rid}.yaml", _account(rid, i == 0))
    days = trading_days(2025)
    price, closes = 60.0, []
    for d in days:
        price = round(max(30.0, price * (1 + rng.uniform(-0.01, 0.01))), 2)
        closes.append((d, price))
    (root / "trading/data").mkdir(parents=True, exist_ok=True)
    with open(root / "trading/data/closes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "close", "volume"])
        w.writerows((d.isoformat(), c, rng.randrange(100_000, 900_000)) for d, c in closes)
    _write(
        root / "trading/PX-CEA.yaml",
        {
            "kind": "market_price",
            "id": "PX-CEA",
            "title": "CEA closes",
            **ENVELOPE,
            "market": "national_ets",
            "product": "CEA",
            "exchange": "SEEE",
            "source": "generated",
            "prices_file": "data/closes.csv",
        },
    )
    _write(
        root / "trading/ALLOC.yaml",
        {
            "kind": "allocation",
            "id": "ALLOC",
            "title": "allocation",
            **ENVELOPE,
            "scheme": "national_ets",
            "compliance_period": "2025",
            "years": [2025],
            "registry_account": "ACC-REG",
            "entries": [{"year": 2025, "stage": "final", "date": "2025-01-02", "quantity": 50_000_000}],
        },
    )
    close_of = dict(closes)
    files = []
    for k, rid in enumerate(ACCOUNTS):
        orders_path, trades_path = root / f"trading/data/orders-{rid}.csv", root / f"trading/data/trades-{rid}.csv"
        share_o = n_orders // len(ACCOUNTS) + (1 if k < n_orders % len(ACCOUNTS) else 0)
        share_t = n_trades // len(ACCOUNTS) + (1 if k < n_trades % len(ACCOUNTS) else 0)
        rows_o, rows_t = [], []
        for i in range(share_o):
            d = rng.choice(days)
            t = session_time(rng, d)
            side = rng.choice(("buy", "sell"))
            p = round(close_of[d] * (1 + rng.uniform(-0.02, 0.02)), 2)
            q = rng.randrange(1, 50) * 100
            filled = i < share_t
            rows_o.append(
                (
                    t,
                    [
                        f"O-{rid}-{i:06d}",
                        t.isoformat() + "+08:00",
                        "national_ets",
                        "CEA",
                        2025,
                        side,
                        q,
                        p,
                        "listed",
                        "filled" if filled else rng.choice(("cancelled", "expired", "open")),
                        q if filled else 0,
                        "",
                    ],
                )
            )
            if filled:
                tt = t + dt.timedelta(seconds=rng.randrange(1, 60))
                rows_t.append(
                    (
                        tt,
                        [
                            f"T-{rid}-{i:06d}",
                            f"O-{rid}-{i:06d}",
                            tt.isoformat() + "+08:00",
                            "national_ets",
                            "CEA",
                            2025,
                            side,
                            q,
                            p,
                            round(q * p * 0.0001, 2),
                            "listed",
                        ],
                    )
                )
        for path, head, rows in (
            (
                orders_path,
                ["order_id", "time", "market", "product", "vintage", "side", "quantity", "price", "trade_type", "status", "filled_quantity", "cancelled_at"],
                rows_o,
            ),
            (trades_path, ["trade_id", "order_id", "time", "market", "product", "vintage", "side", "quantity", "price", "fees", "trade_type"], rows_t),
        ):
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(head)
                w.writerows(r for _, r in sorted(rows, key=lambda x: x[0]))
            files.append(path)
        _write(
            root / f"trading/TL-{rid}.yaml",
            {
                "kind": "trade_ledger",
                "id": f"TL-{rid}",
                "title": f"ledger {rid}",
                **ENVELOPE,
                "account": rid,
                "period": {"start": "2025-01-01", "end": "2025-12-31"},
                "source": "generated",
                "trades_file": f"data/trades-{rid}.csv",
                "orders_file": f"data/orders-{rid}.csv",
            },
        )
    return files


def baseline(files: list[Path]) -> tuple[float, int]:
    start, rows = time.perf_counter(), 0
    for path in files:
        with open(path, newline="", encoding="utf-8") as f:
            rows += sum(1 for _ in csv.reader(f)) - 1
    return time.perf_counter() - start, rows


def cms_check(root: Path) -> tuple[float, int, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "cms_build.cli", "check", str(root), "--as-of", AS_OF], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    summary = next((line for line in proc.stdout.splitlines() if "findings" in line), proc.stderr.strip()[-300:])
    return elapsed, proc.returncode, summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--trades", type=int, default=20_000)
    ap.add_argument("--keep", help="keep the generated organization in this folder")
    args = ap.parse_args()
    if args.trades > args.orders:
        ap.error("--trades must not exceed --orders (each trade fills one order)")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-surveillance-")) / "org"
    if work.exists() and args.keep:
        shutil.rmtree(work)
    try:
        t0 = time.perf_counter()
        files = generate(work, args.orders, args.trades)
        print(f"generated {args.orders:,} orders and {args.trades:,} trades over {len(ACCOUNTS)} accounts in {time.perf_counter() - t0:.1f} s ({work})")
        base, rows = baseline(files)
        print(f"baseline  csv.reader over the ledgers' CSV files: {rows:,} rows in {base:.3f} s")
        elapsed, code, summary = cms_check(work)
        print(f"cms check (whole process): {elapsed:.2f} s, exit {code}: {summary}")
        print(f"ratio cms check / baseline: {elapsed / base:.0f}x" if base > 0 else "ratio: baseline too fast to measure")
        print(f"target: under 5 s for 100,000 orders and 20,000 trades -> {'met' if elapsed < 5 else 'NOT met'} on this machine ({elapsed:.2f} s)")
    finally:
        if not args.keep:
            shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
