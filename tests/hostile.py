"""A corpus of hostile text: what members might type, paste or import, on purpose or not.

Each entry is (name, text). Tests push every entry through each way text enters
coptui and each way it leaves, and check it comes out safe and as typed.
"""

from __future__ import annotations

HOSTILE_TEXT: list[tuple[str, str]] = [
    ("rich markup", "[bold red]alert[/] and [link=https://evil.example]click[/link]"),
    ("textual action markup", "[@click=app.quit]quit[/]"),
    ("unbalanced markup", "[/] [b] [ [[ ]] \\[escaped]"),
    ("markdown structure", "# heading\n> quote\n- item\n1. one\n| a | b |\n|---|---|\n`code` *em* _u_ **b**"),
    ("markdown link", "[runbook](javascript:alert(1)) ![img](http://x/y.png) <https://auto.link>"),
    ("html and script", "<script>alert('x')</script><b onmouseover=alert(1)>hi</b> &amp; &lt;"),
    ("pipes and backslashes", "p50 | p95 | p99 \\| \\\\ C:\\temp\\new"),
    ("emoji", "🔥 pager storm 🚨 👩🏽‍💻 on-call"),
    ("cjk", "警报疲劳 アラート疲れ 경보 피로"),
    ("right to left", "עייפות התראות إرهاق التنبيهات"),
    ("combining marks", "Zalgo: Z̷̢͉a̸͎͝l̵̡̛g̶̱̈o̵͓͝ and e\u0301 cafe\u0301"),
    ("long line", "alert " * 2000),
    ("many lines", "\n".join(f"line {i}" for i in range(200))),
]

# Text whose visible form must change on the way in: what it becomes once stored.
UNSAFE_TEXT: list[tuple[str, str, str]] = [
    ("window title OSC", "before\x1b]0;pwned\x07after", "beforeafter"),
    ("clear screen CSI", "x\x1b[2J\x1b[Hy", "xy"),
    ("clipboard OSC 52", "a\x1b]52;c;ZXZpbA==\x07b", "ab"),
    ("hyperlink OSC 8", "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),
    ("C1 controls", "a\x9b31mb\x85c", "abc"),
    ("DEL and NUL", "a\x7fb\x00c", "abc"),
    ("bidi override", "invoice\u202egnp.exe", "invoicegnp.exe"),
    ("carriage returns", "one\r\ntwo\rthree", "one\ntwo\nthree"),
]

BIG_NOTE = "A long story about the outage. " * 3300  # about 100 KB
