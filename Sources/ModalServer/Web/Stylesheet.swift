/// The dashboard's only stylesheet, served from the binary at `/static/style.css`.
enum Stylesheet {
  /// The CSS text.
  static let css = """
    :root { --fg: #1d2125; --muted: #5f6b76; --line: #dde3e8; --accent: #2a6f4e; --bg: #f7f9fa; --danger: #a4262c; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
    header { background: #fff; border-bottom: 1px solid var(--line); }
    nav { max-width: 960px; margin: 0 auto; padding: .7rem 1rem; display: flex; gap: 1rem; align-items: center; }
    nav a { color: var(--fg); text-decoration: none; }
    nav .brand { font-weight: 700; color: var(--accent); margin-right: auto; }
    nav .who { color: var(--muted); }
    main { max-width: 960px; margin: 1.5rem auto; padding: 0 1rem; }
    h1 { font-size: 1.5rem; margin: 0 0 1rem; }
    h2 { font-size: 1.15rem; margin: 1.8rem 0 .6rem; }
    table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
    th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { font-weight: 600; color: var(--muted); font-size: .85rem; }
    form.card, .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.2rem; max-width: 520px; }
    label { display: block; margin: .6rem 0 .2rem; font-weight: 600; }
    input[type=text], input[type=email], input[type=password], select {
      width: 100%; padding: .45rem .55rem; border: 1px solid #c4ccd3; border-radius: 4px; font: inherit; }
    button { margin-top: .9rem; padding: .45rem 1rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff;
      font: inherit; cursor: pointer; }
    button.danger { background: var(--danger); }
    button.link { background: none; color: var(--fg); padding: 0; margin: 0; }
    form.inline { display: inline; margin: 0; }
    form.inline button { margin-top: 0; padding: .2rem .6rem; font-size: .85rem; }
    .notice { padding: .6rem .8rem; border-radius: 4px; border: 1px solid var(--line); background: #fff; }
    .notice.error { border-color: #e3b4b7; background: #fbeeee; color: var(--danger); }
    .notice.warning { border-color: #ecd59a; background: #fdf7e6; }
    .notice.ok { border-color: #b4dcc4; background: #eef8f1; }
    .code { font: 700 1.6rem/1.2 ui-monospace, monospace; letter-spacing: .12em; }
    code, .secret { font-family: ui-monospace, monospace; }
    .secret { display: block; padding: .6rem; background: #fff; border: 1px dashed var(--accent); word-break: break-all; }
    .muted { color: var(--muted); }
    .checks label { display: inline-block; font-weight: 400; margin-right: 1rem; }

    """
}
