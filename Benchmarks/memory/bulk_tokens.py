"""Adds N tokens to a modal-server SQLite database, copies of an existing token under new ids,
in one transaction: the table a server with that many tokens has (the server is stopped).
    python3 bulk_tokens.py DATABASE TOKEN_ID [N]
"""
import sqlite3
import sys

database, template, count = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
connection = sqlite3.connect(database)
columns = [row[1] for row in connection.execute("PRAGMA table_info(tokens)")]
copied = ", ".join(c if c != "id" else "printf('ak-bulk%018d', n)" for c in columns)
with connection:
    connection.execute(
        f"""WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < ?)
            INSERT INTO tokens ({", ".join(columns)}) SELECT {copied} FROM numbers, tokens WHERE tokens.id = ?""",
        (count, template))
total = connection.execute("SELECT count(*) FROM tokens").fetchone()[0]
print(f"tokens stored: {total}")
