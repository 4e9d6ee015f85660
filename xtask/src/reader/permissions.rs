//! The permissions section → the page's permissions, in each shape pages write it (kind rows, resource rows
//! with a column per kind, resource and scope pairs, scopes in prose), a permissions include read as if its
//! table stood on the page, and which of the rows apply to one endpoint.

use std::borrow::Cow;

use crate::diagnostics::Diagnostic;
use crate::paths::{self, Segment, Template};
use crate::reader::markup;
use crate::reader::model::{Page, Permission, PermissionKind};
use crate::reader::parts::SectionText;
use crate::reader::scan::{Item, Scan};

/// Finds the text of an include file the page names (`../includes/permissions/x-permissions.md`), or says
/// where it looked. See [`crate::reader::includes`].
pub type IncludeResolver<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// `[!INCLUDE [permissions-table](../includes/permissions/x-permissions.md)]` → (`permissions-table`,
/// `../includes/permissions/x-permissions.md`).
fn include_target(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("[!INCLUDE")?.trim_start();
    let rest = rest.strip_prefix('[')?;
    let (label, rest) = rest.split_once(']')?;
    let rest = rest.trim_start().strip_prefix('(')?;
    let (target, _) = rest.split_once(')')?;
    Some((label.trim(), target.trim()))
}

/// An include holds a permissions table when its label or file says so (`permissions-table`,
/// `includes/permissions/…-permissions.md`).
fn is_permissions_include(label: &str, target: &str) -> bool {
    let target = target.to_ascii_lowercase();
    markup::key(label).starts_with("permission")
        || target.contains("/permissions/")
        || target.ends_with("-permissions.md")
}

/// Reads a permissions include into `section` as lines numbered like the include line, so its table is read as
/// if the page held it. One that cannot be found is a warning naming the line: the operation's scopes are
/// unknown, never silently empty. Other includes are skipped.
pub fn include_permissions(
    diagnostics: &mut Vec<Diagnostic>,
    section: &mut SectionText,
    number: usize,
    line: &str,
    includes: IncludeResolver,
) {
    let Some((label, target)) = include_target(line) else { return };
    if !is_permissions_include(label, target) {
        return;
    }
    match includes(target) {
        Ok(text) => {
            // Include files are scanned like pages: they carry front matter of their own (`description:
            // Automatically generated file`) and comments. What the scan finds wrong is said at the include line.
            let mut scan = Scan::new(&text);
            for item in scan.by_ref() {
                match item {
                    Item::Text { text, .. } | Item::Heading { text, .. } => {
                        section.lines.push((number, Cow::Owned(text.into_owned())));
                    }
                    Item::Fence(fence) => section.lines.extend(
                        fence
                            .lines
                            .iter()
                            .map(|(_, l)| (number, Cow::Owned(markup::english(l).into_owned()))),
                    ),
                    Item::Annotation { .. } => {}
                }
            }
            for d in scan.diagnostics {
                diagnostics
                    .push(Diagnostic::warning(number, format!("`{target}` line {}: {}", d.line, d.message)));
            }
        }
        Err(why) => {
            section.missing_include = true;
            diagnostics.push(Diagnostic::warning(
                number,
                format!(
                    "the permissions include `{target}` cannot be found ({why}); the operations of this page have no scopes until it is there"
                ),
            ));
        }
    }
}

/// A scope looks like `Mail.Send` or `User.Read.All`: dotted words, the first capitalised.
fn is_scope(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        && parts[0].starts_with(|c: char| c.is_ascii_uppercase())
}

fn scopes_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for word in
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '*' | '`' | '|'))
    {
        let w = word.trim_end_matches(['.', ':']);
        if is_scope(w) && seen.insert(w) {
            out.push(w.to_string());
        }
    }
    out
}

/// The permission kind a table cell names: `Delegated (work or school account)` and so on.
fn permission_kind(cell: &str) -> Option<PermissionKind> {
    let k = markup::key(cell);
    if k.starts_with("delegated") && (k.contains("personal") || k.contains("microsoft account")) {
        Some(PermissionKind::DelegatedPersonal)
    } else if k.starts_with("delegated") {
        Some(PermissionKind::DelegatedWork)
    } else if k.starts_with("application") {
        Some(PermissionKind::Application)
    } else {
        None
    }
}

/// Reads the permissions section in each of its shapes:
/// - a table with one row per permission kind (2019 on), least or most privileged first as its header says,
///   with workflow sub-rows under a kind (Intune) adding to that kind;
/// - such tables one per resource, each under a sub-heading naming it (`### Permissions for chat`,
///   `### For users:`; `chatmessage-get`, `directory-deleteditems-get`);
/// - a table with one row per resource and a column per kind (`attachment-get`, `opentypeextension-delete`);
/// - a table of resource and scope pairs (2017: `| Supported resource | Permission | … |`);
/// - prose naming the scopes (2017: "One of the following **scopes** is required to execute this API"),
///   per resource when lines say which ("If accessing attachments in messages: *Mail.Read*").
pub fn read_permissions(page: &mut Page, section: &SectionText) {
    let before = page.permissions.len();
    let mut prose: Vec<(usize, &str)> = Vec::new();
    // Each table's rows (line, cells), with the resource its sub-heading names.
    let mut tables: Vec<(Option<String>, Rows)> = Vec::new();
    let mut in_table = false;
    let mut heading: Option<String> = None;
    for (n, l) in &section.lines {
        if let Some(text) = l.strip_prefix('#') {
            heading = heading_resource(text);
            in_table = false;
            continue;
        }
        match markup::table_row(l) {
            Some(cells) if l.trim_start().starts_with('|') || in_table => {
                if !in_table {
                    tables.push((heading.clone(), Vec::new()));
                    in_table = true;
                }
                if !markup::is_table_separator(&cells) {
                    if let Some((_, t)) = tables.last_mut() {
                        t.push((*n, cells));
                    }
                }
            }
            _ => {
                in_table = false;
                prose.push((*n, l));
            }
        }
    }
    for (heading, table) in &tables {
        read_permission_table(page, table, heading.as_deref());
    }
    if page.permissions.len() > before {
        return;
    }
    if read_prose_per_resource(page, &prose) {
        return;
    }

    // Prose: the scopes on the line that introduces them or the lines after it.
    let mut scopes = Vec::new();
    let mut first_line = section.line;
    let table_cells = tables.iter().flat_map(|(_, t)| t).map(|(n, cells)| (*n, Cow::Owned(cells.join(" "))));
    let mut seen = std::collections::BTreeSet::new();
    for (n, l) in prose.into_iter().map(|(n, l)| (n, Cow::Borrowed(l))).chain(table_cells) {
        for s in scopes_in(&markup::inline_text(&l)) {
            if scopes.is_empty() {
                first_line = n;
            }
            if seen.insert(s.clone()) {
                scopes.push(s);
            }
        }
    }
    if scopes.is_empty() {
        // A permissions include that could not be read has already said the scopes are unknown.
        if !section.missing_include {
            page.diagnostics
                .push(Diagnostic::warning(section.line, "the permissions section names no scope"));
        }
    } else {
        page.permissions.push(Permission {
            kind: PermissionKind::Unspecified,
            scopes,
            line: first_line,
            resource: None,
        });
    }
}

/// A table's rows: each one's line and cells.
type Rows = Vec<(usize, Vec<String>)>;

/// The resource a sub-heading of the permissions section names: `Permissions for chat` → `chat`, `For
/// users:` → `users`; none for a heading that names none.
fn heading_resource(text: &str) -> Option<String> {
    let key = markup::key(text.trim_start_matches('#'));
    let words: Vec<&str> = key.split(' ').collect();
    let after = match words.iter().position(|w| *w == "for") {
        Some(at) => &words[at + 1..],
        None => &words[..],
    };
    let named: Vec<&str> =
        after.iter().copied().filter(|w| !w.is_empty() && !w.starts_with("permission")).collect();
    (!named.is_empty()).then(|| named.join(" "))
}

/// Prose that gives the scopes per resource, a line each ("* If accessing attachments in messages:
/// *Mail.Read*"): one permission per line, its resource the words before the colon. Only when two lines or
/// more say so; true when it read them.
fn read_prose_per_resource(page: &mut Page, prose: &[(usize, &str)]) -> bool {
    let mut found: Vec<Permission> = Vec::new();
    for (n, l) in prose {
        let text = markup::inline_text(l);
        let scopes = scopes_in(&text);
        let Some(first) = scopes.first() else { continue };
        let Some((label, _)) = text.split_once(first.as_str()) else { continue };
        let label = label.trim().trim_end_matches(['*', '_', '`', ' ']);
        let Some(label) = label.strip_suffix(':') else { continue };
        let label = markup::key(label);
        if label.is_empty() {
            continue;
        }
        found.push(Permission { kind: PermissionKind::Unspecified, scopes, line: *n, resource: Some(label) });
    }
    let distinct =
        found.iter().filter_map(|p| p.resource.as_deref()).collect::<std::collections::BTreeSet<_>>();
    if distinct.len() < 2 {
        return false;
    }
    page.permissions.extend(found);
    true
}

fn read_permission_table(page: &mut Page, table: &[(usize, Vec<String>)], heading: Option<&str>) {
    let Some(((_, header), rows)) = table.split_first() else { return };
    let keys: Vec<String> = header.iter().map(|h| markup::key(h)).collect();
    // Scopes are kept least privileged first; a header that says otherwise turns its rows around.
    let most_first = keys.iter().any(|k| k.contains("most to least"));
    let ordered = |mut scopes: Vec<String>| {
        if most_first {
            scopes.reverse();
        }
        scopes
    };
    let kind_columns: Vec<(usize, PermissionKind)> =
        header.iter().enumerate().skip(1).filter_map(|(i, h)| permission_kind(h).map(|k| (i, k))).collect();
    if !kind_columns.is_empty() {
        for (n, row) in rows {
            let resource = row.first().map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
            for (i, kind) in &kind_columns {
                let scopes = ordered(scopes_in(row.get(*i).map(String::as_str).unwrap_or("")));
                page.permissions.push(Permission {
                    kind: *kind,
                    scopes,
                    line: *n,
                    resource: resource.clone(),
                });
            }
        }
        return;
    }
    let kind_rows = rows.iter().any(|(_, row)| row.first().is_some_and(|c| permission_kind(c).is_some()));
    if kind_rows {
        let mut current: Option<usize> = None;
        for (n, row) in rows {
            let scopes = ordered(scopes_in(&row[1.min(row.len())..].join(" ")));
            match row.first().and_then(|c| permission_kind(c)) {
                Some(kind) => {
                    current = Some(page.permissions.len());
                    let resource = heading.map(str::to_string);
                    page.permissions.push(Permission { kind, scopes, line: *n, resource });
                }
                // A sub-row (a workflow under "Delegated") adds its scopes to the kind above it.
                None => {
                    if let Some(p) = current.and_then(|i| page.permissions.get_mut(i)) {
                        for s in scopes {
                            if !p.scopes.contains(&s) {
                                p.scopes.push(s);
                            }
                        }
                    }
                }
            }
        }
        return;
    }
    // Resource and scope pairs: each `Permission`/`Scope` column belongs to the resource column before it.
    let scope_columns: Vec<usize> = keys
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, k)| k.starts_with("permission") || k.starts_with("scope"))
        .map(|(i, _)| i)
        .collect();
    for (n, row) in rows {
        for &i in &scope_columns {
            let scopes = ordered(scopes_in(row.get(i).map(String::as_str).unwrap_or("")));
            let resource = row.get(i - 1).map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
            if !scopes.is_empty() {
                page.permissions.push(Permission {
                    kind: PermissionKind::Unspecified,
                    scopes,
                    line: *n,
                    resource,
                });
            }
        }
    }
}

/// Which rows apply to an endpoint: a reading of the page's own table (its resource column) against the
/// endpoint's path, kept beside the reading of that table.
impl Page {
    /// The permissions that apply to one endpoint, one entry per kind in page order.
    ///
    /// Where the page gives scopes per resource (`message`, `group event`), the rows whose resource words
    /// best match the path's segments apply (`/me/messages/{id}/attachments` → the `message` row; `me`
    /// counts as a user): a word the path has counts for a row, a word that names a segment of another of
    /// the page's paths but not this one counts against it (`group event` is not `/me/events`'s row), and
    /// among rows as good the one that names more wins. When no row names a word of the path, every row
    /// applies. Rows of one kind are merged, least privileged first.
    pub fn permissions_for(&self, template: &Template) -> Vec<Permission> {
        let words = |l: &str| {
            let l = l.to_ascii_lowercase();
            if l == "me" {
                vec!["user".to_string()]
            } else {
                vec![paths::singular(&l), l]
            }
        };
        let segments: Vec<String> = template
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Literal(l) => Some(l.as_str()),
                _ => None,
            })
            .flat_map(words)
            .collect();
        // The resources the page's other paths name: a row naming one of them is about those paths. Made
        // only when a row names a resource (most pages' rows name none, and a page of many endpoints would
        // make it once per endpoint for nothing).
        let elsewhere = std::cell::OnceCell::new();
        let elsewhere = || {
            elsewhere.get_or_init(|| {
                self.endpoints
                    .iter()
                    .flat_map(|e| {
                        e.path.split(['/', '?']).filter(|l| !l.is_empty() && !l.contains(['{', '(', ':']))
                    })
                    .flat_map(words)
                    .filter(|w| !segments.contains(w))
                    .collect::<std::collections::BTreeSet<String>>()
            })
        };
        let score = |p: &Permission| {
            let Some(resource) = p.resource.as_deref() else { return (0, 0) };
            let key = markup::key(resource);
            let named = key.split(' ').filter(|w| segments.iter().any(|s| s == w)).count();
            let other = key.split(' ').filter(|w| elsewhere().contains(*w)).count();
            (named as isize - other as isize, named)
        };
        let best =
            self.permissions.iter().filter(|p| p.resource.is_some()).map(score).max().unwrap_or((0, 0));
        let mut out: Vec<Permission> = Vec::new();
        for p in self.permissions.iter().filter(|p| p.resource.is_none() || best.1 == 0 || score(p) == best) {
            match out.iter_mut().find(|o| o.kind == p.kind) {
                Some(o) => {
                    for s in &p.scopes {
                        if !o.scopes.contains(s) {
                            o.scopes.push(s.clone());
                        }
                    }
                }
                None => out.push(Permission { resource: None, ..p.clone() }),
            }
        }
        out
    }

    /// The one scope an operation's `security` names: the least privileged (the first) of the delegated
    /// (or unspecified) kind among `permissions` ([`Page::permissions_for`] the endpoint), else of any kind.
    /// When those scopes are of several families (`Calendars.ReadWrite, Mail.ReadWrite`: one cell for events
    /// and messages, as `attachment-createuploadsession` writes it), the least privileged of the family of
    /// the path's resource is taken (`Mail.ReadWrite` for `/me/messages/{id}/…`).
    pub fn security_scope<'a>(permissions: &'a [Permission], template: &Template) -> Option<&'a str> {
        let delegated = |p: &&Permission| {
            matches!(p.kind, PermissionKind::DelegatedWork | PermissionKind::Unspecified)
                && !p.scopes.is_empty()
        };
        let chosen = permissions
            .iter()
            .find(delegated)
            .or_else(|| permissions.iter().find(|p| !p.scopes.is_empty()))?;
        let families: std::collections::BTreeSet<String> =
            chosen.scopes.iter().map(|s| scope_family(s)).collect();
        let of_path = (families.len() > 1).then(|| path_family(template)).flatten();
        of_path
            .and_then(|family| chosen.scopes.iter().find(|s| scope_family(s) == family))
            .or(chosen.scopes.first())
            .map(String::as_str)
    }
}

/// A scope's family: its first word, lower case (`Mail.ReadWrite` → `mail`).
fn scope_family(scope: &str) -> String {
    scope.split('.').next().unwrap_or(scope).to_ascii_lowercase()
}

/// Graph's permission families and the path segments of the resources each covers, as Microsoft's
/// permissions reference groups them: `Calendars.*` for calendars and events, `Mail.*` for messages and mail
/// folders, and so on. Only used to choose among the scopes of one cell that spans families.
const FAMILIES: &[(&str, &[&str])] = &[
    ("group", &["groups"]),
    ("calendars", &["calendar", "calendars", "calendargroup", "calendargroups", "calendarview", "events"]),
    ("mailboxsettings", &["mailboxsettings"]),
    ("mail", &["messages", "mailfolders", "childfolders", "messagerules", "inferenceclassification"]),
    ("contacts", &["contacts", "contactfolders"]),
    ("files", &["drive", "drives"]),
    ("sites", &["sites"]),
    ("chat", &["chats"]),
    ("channelmessage", &["channels"]),
    ("notes", &["onenote"]),
    ("tasks", &["todo"]),
];

/// The family of the resource a path is about: that of its first segment that belongs to one
/// (`/groups/{id}/events` is a group's; `/users/{id}/messages` a mailbox's).
fn path_family(template: &Template) -> Option<String> {
    template.segments.iter().find_map(|s| match s {
        Segment::Literal(l) => {
            let l = l.to_ascii_lowercase();
            FAMILIES.iter().find(|(_, segments)| segments.contains(&l.as_str())).map(|(f, _)| f.to_string())
        }
        _ => None,
    })
}
