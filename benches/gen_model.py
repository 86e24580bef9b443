#!/usr/bin/env python3
"""Generate a bmdb project with N tables for the plan benchmark.

Each table looks like a BlueMarble table: 10 columns, a primary key, 2 indexes, one
unique constraint, a check, and a foreign key to an earlier table; every tenth table
is GLOBAL and every fifth REGIONAL BY ROW, on a 3-region database.
"""
import os
import sys


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(os.path.join(out, "schema"), exist_ok=True)
    with open(os.path.join(out, "regions.yaml"), "w") as f:
        f.write(
            "database: bench\n"
            "dialect: cockroach\n"
            "primary_region: us-east-1\n"
            "regions: [us-east-1, us-west-2, eu-west-1]\n"
            "survival_goal: zone\n"
        )
    for i in range(n):
        name = f"t{i:05d}"
        loc = "global" if i % 10 == 0 else ("regional_by_row" if i % 5 == 0 else "regional_by_table")
        lines = [
            f"table: {name}",
            f"comment: generated table {i}",
            f"locality: {loc}",
            "columns:",
            "  - { name: id, type: UUID, default: gen_random_uuid() }",
            "  - { name: owner_id, type: UUID }",
            "  - { name: code, type: STRING, nullable: false }",
            "  - { name: qty, type: INT4, nullable: false, default: \"0\" }",
            '  - { name: price, type: "DECIMAL(12,2)" }',
            "  - { name: payload, type: JSONB }",
            "  - { name: active, type: BOOL, nullable: false, default: \"true\" }",
            "  - { name: created_at, type: TIMESTAMPTZ, nullable: false, default: now() }",
            "  - { name: updated_at, type: TIMESTAMPTZ }",
            "  - { name: note, type: STRING }",
            "primary_key: [id]",
            "unique:",
            "  - [code]",
            "indexes:",
            "  - { columns: [owner_id, { column: created_at, desc: true }] }",
            "  - { columns: [qty], where: \"active\" }",
            "checks:",
            "  - { name: " + name + "_qty_nonneg, expr: \"qty >= 0\" }",
        ]
        if i > 0:
            lines += [
                "foreign_keys:",
                f"  - {{ columns: [owner_id], references: {{ table: t{(i - 1) // 2:05d}, columns: [id] }} }}",
            ]
        with open(os.path.join(out, "schema", name + ".yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
