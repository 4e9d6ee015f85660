//! Path templates as Graph's pages write them → OpenAPI path templates by Microsoft's conventions.
//!
//! `/users/{id | userPrincipalName}/messages/{id}/send` becomes `/users/{user-id}/messages/{message-id}/send`:
//! a key is named after the collection it indexes (`<singular>-id`), names are unique within a path, and the
//! operationId joins the segments with dots, keys named by their entity (`users.user.messages.message.send`).

use std::borrow::Cow;

/// One path parameter of a normalised template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathParam {
    /// The OpenAPI name (`message-id`).
    pub name: String,
    /// The entity the key belongs to (`message`), for `x-ms-docs-key-type`; `None` for other placeholders.
    pub entity: Option<String>,
    /// What the page allows in this place besides the id (`userPrincipalName`).
    pub alternatives: Vec<String>,
}

impl PathParam {
    pub fn description(&self) -> String {
        match (&self.entity, self.alternatives.is_empty()) {
            (Some(entity), true) => format!("The unique identifier of {entity}"),
            (Some(entity), false) => {
                format!("The unique identifier of {entity}, or its {}", self.alternatives.join(" or "))
            }
            (None, _) => format!("The value of {}", self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// The whole segment is one key.
    Key(PathParam),
    /// A segment with text around its placeholders (`root:{item-path}:`, `range(address='{address}')`).
    Mixed {
        template: String,
        params: Vec<PathParam>,
        stem: String,
    },
}

/// A normalised path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub segments: Vec<Segment>,
    /// Query parameters written into the template (`?$select=…`), by name.
    pub query: Vec<String>,
    /// Those of them whose value is a placeholder (`?startDateTime={start_datetime}`).
    pub required_query: Vec<String>,
    /// The value the page writes for each of `query`, in its order (`true`, `{start_datetime}`, ``).
    pub query_values: Vec<String>,
}

impl Template {
    pub fn path(&self) -> String {
        let mut out = String::new();
        for s in &self.segments {
            out.push('/');
            match s {
                Segment::Literal(l) => out.push_str(l),
                Segment::Key(p) => {
                    out.push('{');
                    out.push_str(&p.name);
                    out.push('}');
                }
                Segment::Mixed { template, .. } => out.push_str(template),
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }

    pub fn params(&self) -> Vec<&PathParam> {
        let mut out = Vec::new();
        for s in &self.segments {
            match s {
                Segment::Key(p) => out.push(p),
                Segment::Mixed { params, .. } => out.extend(params),
                Segment::Literal(_) => {}
            }
        }
        out
    }

    /// `me.messages.message.send`: literal segments as written, keys by their entity.
    pub fn operation_id_stem(&self) -> String {
        let parts: Vec<String> = self
            .segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => l.clone(),
                Segment::Key(p) => p.entity.clone().unwrap_or_else(|| p.name.clone()),
                Segment::Mixed { stem, .. } => stem.clone(),
            })
            .filter(|p| !p.is_empty())
            .collect();
        parts.join(".")
    }

    pub fn last_literal(&self) -> Option<&str> {
        match self.segments.last()? {
            Segment::Literal(l) => Some(l),
            _ => None,
        }
    }
}

/// Normalises one path as the page wrote it. Errors are plain sentences for the page's author.
pub fn normalise(raw: &str) -> Result<Template, String> {
    let (path, query) = path_and_query(raw);
    let mut names: Vec<String> = Vec::new();
    let mut query_values: Vec<String> = Vec::new();
    let mut required_query: Vec<String> = Vec::new();
    for kv in query.split('&') {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        let k = k.trim();
        let valid = !k.is_empty()
            && k.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '$' | '_' | '-' | '.'));
        if !valid || names.iter().any(|n| n == k) {
            continue;
        }
        // A value the caller must fill in (`startDateTime={start_datetime}`) makes the parameter required.
        if v.contains('{') || v.contains('<') {
            required_query.push(k.to_string());
        }
        names.push(k.to_string());
        query_values.push(v.trim().to_string());
    }
    let query = names;
    let mut segments = Vec::new();
    let mut taken = Names::default();
    // Whether the segment just before is a literal (the last of `segments`).
    let mut after_literal = false;
    for_each_segment(raw, &path, |segment| {
        let previous = match segments.last() {
            Some(Segment::Literal(l)) if after_literal => Some(l.as_str()),
            _ => None,
        };
        if let Some(inner) = generator::rules::whole_placeholder(segment) {
            let (entity, name_base, alternatives) = key_name(inner, previous);
            let name = unique(&name_base, &mut taken);
            segments.push(Segment::Key(PathParam { name, entity, alternatives }));
            after_literal = false;
        } else if segment.contains('{') {
            let mut template = String::new();
            let mut params = Vec::new();
            let split = generator::rules::placeholders(segment)
                .map_err(|_| format!("the path `{raw}` opens `{{` without closing it"))?;
            for (text, inner) in split.texts.iter().zip(&split.params) {
                template.push_str(text);
                let base = sanitise_name(inner.split('|').next().unwrap_or(inner));
                let name = unique(if base.is_empty() { "value" } else { &base }, &mut taken);
                template.push('{');
                template.push_str(&name);
                template.push('}');
                params.push(PathParam { name, entity: None, alternatives: vec![] });
            }
            template.push_str(split.texts.last().copied().unwrap_or_default());
            let stem = segment_stem(segment);
            segments.push(Segment::Mixed { template, params, stem });
            after_literal = false;
        } else {
            if segment.contains('}') {
                return Err(format!("the path `{raw}` closes `}}` without opening it"));
            }
            segments.push(Segment::Literal(segment.to_string()));
            after_literal = true;
        }
        Ok(())
    })?;
    Ok(Template { segments, query, required_query, query_values })
}

/// Whether [`normalise`] reads `raw` (its error if not), without making the template: the reader checks
/// each request line so, and the builder normalises it.
pub fn check(raw: &str) -> Result<(), String> {
    let (path, _) = path_and_query(raw);
    for_each_segment(raw, &path, |segment| {
        if generator::rules::whole_placeholder(segment).is_some() {
            Ok(())
        } else if segment.contains('{') {
            generator::rules::placeholders(segment)
                .map(drop)
                .map_err(|_| format!("the path `{raw}` opens `{{` without closing it"))
        } else if segment.contains('}') {
            Err(format!("the path `{raw}` closes `}}` without opening it"))
        } else {
            Ok(())
        }
    })
}

/// The path of a request line as the page wrote it (`<name>` placeholders as `{name}`, a full URL's scheme,
/// host and version dropped) and its query.
fn path_and_query(raw: &str) -> (Cow<'_, str>, &str) {
    let path = raw.trim();
    // The query goes first: it may hold a URL of its own (`$ref?$id=https://graph.microsoft.com/…`).
    let (mut path, query) = match path.split_once('?') {
        Some((p, q)) => (p, q),
        None => (path, ""),
    };
    // A full URL: drop scheme, host and the version segment.
    if let Some((_, rest)) = path.split_once("://") {
        path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
        for version in ["/v1.0", "/beta"] {
            if let Some(rest) = path.strip_prefix(version) {
                if rest.is_empty() || rest.starts_with('/') {
                    path = rest;
                }
            }
        }
    }
    (angle_to_braces(path), query)
}

/// Each segment of `path` (from [`path_and_query`]) that counts, cleaned up (arguments' spaces, `(id)`,
/// alternatives beside braces), borrowed where nothing in it changed; a space outside braces is an error
/// for the line `raw`.
fn for_each_segment(
    raw: &str,
    path: &str,
    mut f: impl FnMut(&str) -> Result<(), String>,
) -> Result<(), String> {
    for raw_segment in split_segments(path.trim_start_matches('/')) {
        let segment = alternatives_in_braces(paren_to_braces(argument_spaces_dropped(raw_segment.trim())));
        if has_space_outside_braces(&segment) {
            return Err(format!(
                "the path `{raw}` contains a space outside its `{{placeholders}}`; a path is one word"
            ));
        }
        // `…/childFolders/{id}/.../messages` means "nested to any depth"; the path keeps one level.
        if segment.is_empty() || segment == "..." || segment == "…" {
            continue;
        }
        f(&segment)?;
    }
    Ok(())
}

/// Splits on `/` outside of braces, parentheses and quotes, so `root:/{item-path}:` and
/// `range(address='A1:B2/C')` stay whole.
fn split_segments(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote = false;
    let mut start = 0;
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quote = !quote,
            b'(' | b'{' if !quote => depth += 1,
            b')' | b'}' if !quote => depth -= 1,
            b':' if !quote && depth == 0 && i + 1 < bytes.len() && bytes[i + 1] == b'/' => {
                // `root:/path:` keeps the colon-delimited path in one segment up to the closing colon.
                if let Some(close) = path[i + 1..].find(':') {
                    i += close + 1;
                }
            }
            b'/' if !quote && depth <= 0 => {
                out.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&path[start..]);
    out
}

/// `<name>` placeholders (Excel pages) are the same thing as `{name}`.
fn angle_to_braces(segment: &str) -> Cow<'_, str> {
    if !segment.contains('<') {
        return Cow::Borrowed(segment);
    }
    Cow::Owned(segment.replace('<', "{").replace('>', "}"))
}

/// A segment that is only `(team-id)` is a placeholder written with the wrong brackets.
fn paren_to_braces(segment: Cow<'_, str>) -> Cow<'_, str> {
    match segment.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        Some(inner) if !inner.is_empty() && !inner.contains(['(', ')', '{', '}', '\'', '=']) => {
            Cow::Owned(format!("{{{inner}}}"))
        }
        _ => segment,
    }
}

/// `{user-id} | user-principal-name` → `{user-id | user-principal-name}`: alternatives written beside the
/// braces instead of inside them.
fn alternatives_in_braces(segment: Cow<'_, str>) -> Cow<'_, str> {
    let mut depth = 0i32;
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in segment.char_indices() {
        match c {
            '{' | '(' => depth += 1,
            '}' | ')' => depth -= 1,
            '|' if depth == 0 => {
                parts.push(&segment[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if parts.is_empty() {
        return segment;
    }
    parts.push(&segment[start..]);
    let inner: Vec<&str> = parts
        .iter()
        .map(|p| p.trim().trim_start_matches('{').trim_end_matches('}').trim())
        .filter(|p| !p.is_empty())
        .collect();
    Cow::Owned(format!("{{{}}}", inner.join(" | ")))
}

/// `resizedRange(deltaRows={n}, deltaColumns={n})` → `resizedRange(deltaRows={n},deltaColumns={n})`: spaces
/// between a function's arguments (outside quotes) are layout, not part of the path.
fn argument_spaces_dropped(segment: &str) -> Cow<'_, str> {
    if !segment.contains('(') || !segment.contains(char::is_whitespace) {
        return Cow::Borrowed(segment);
    }
    let mut out = String::with_capacity(segment.len());
    let (mut depth, mut quote) = (0i32, false);
    for c in segment.chars() {
        match c {
            '\'' => quote = !quote,
            '(' if !quote => depth += 1,
            ')' if !quote => depth -= 1,
            c if c.is_whitespace() && depth > 0 && !quote => continue,
            _ => {}
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Spaces are allowed inside placeholders only (`{id | userPrincipalName}`).
fn has_space_outside_braces(path: &str) -> bool {
    let mut depth = 0i32;
    path.chars().any(|c| {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        c.is_whitespace() && depth <= 0
    })
}

/// The key's entity and parameter name: `{id}` after `messages` → (`message`, `message-id`);
/// `{id | userPrincipalName}` after `users` → (`user`, `user-id`, [`userPrincipalName`]).
fn key_name(inner: &str, previous: Option<&str>) -> (Option<String>, String, Vec<String>) {
    let options: Vec<String> =
        inner.split('|').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    let first = options.first().cloned().unwrap_or_default();
    let is_id = |s: &str| {
        let k = s.to_ascii_lowercase();
        k == "id" || k.ends_with("-id") || k.ends_with("_id") || k.ends_with("id") && s.len() > 2
    };
    // A placeholder right after a collection is that collection's key whatever the page calls it
    // (`clientConfigurations/{key}`); a name other than an id stays as an alternative in its description.
    let is_collection = |c: &str| singular(c) != c;
    match previous {
        Some(collection) if is_id(&first) || first.is_empty() || is_collection(collection) => {
            let entity = singular(&sanitise_name(collection));
            let skip = usize::from(is_id(&first) || first.is_empty());
            let alternatives = options.into_iter().skip(skip).collect();
            (Some(entity.clone()), format!("{entity}-id"), alternatives)
        }
        _ => {
            let name = sanitise_name(&first);
            (None, if name.is_empty() { "value".into() } else { name }, vec![])
        }
    }
}

/// A name usable in `{…}`: letters, digits, `-`, `_`, `.`; other characters dropped.
fn sanitise_name(text: &str) -> String {
    text.trim().chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect()
}

/// The operationId part of a segment with arguments: `getSchedule(period='{p}')` → `getSchedule`.
fn segment_stem(segment: &str) -> String {
    let head = sanitise_name(generator::rules::segment_stem(segment));
    if head.is_empty() {
        "item".into()
    } else {
        head
    }
}

/// Names already used in one path, and the next numeric suffix to try for each base name, so a path of
/// many `{id}` keys stays linear to name. A path has a handful of names: lists beat trees here.
#[derive(Debug, Default)]
struct Names {
    taken: Vec<String>,
    next: Vec<(String, usize)>,
}

fn unique(base: &str, names: &mut Names) -> String {
    let mut name = base.to_string();
    let at = match names.next.iter().position(|(b, _)| b == base) {
        Some(at) => at,
        None => {
            names.next.push((base.to_string(), 1));
            names.next.len() - 1
        }
    };
    let n = &mut names.next[at].1;
    while names.taken.contains(&name) {
        name = format!("{base}{n}");
        *n += 1;
    }
    names.taken.push(name.clone());
    name
}

/// English singular of a collection segment: `messages` → `message`, `categories` → `category`. The rule is
/// the generator's ([`generator::rules::singular`]), so spec keys and client accessors agree.
pub fn singular(word: &str) -> String {
    generator::rules::singular(word)
}

/// The verb of an operationId and of a client method: `list`/`create` on a collection, `get`/`post`/`update`/
/// `set`/`delete` elsewhere ([`generator::rules::verb`]); `None` for a method OpenAPI does not know.
pub fn verb(method: &str, is_collection: bool) -> Option<&'static str> {
    generator::rules::verb(method, is_collection)
}

/// The names of a template's `{…}` placeholders, in order (`/users/{user-id}/messages/{message-id}` →
/// `user-id`, `message-id`); none when a `{` is left open ([`generator::rules::placeholders`]).
pub fn placeholders(template: &str) -> Vec<&str> {
    generator::rules::placeholders(template).map(|p| p.params).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(raw: &str) -> String {
        normalise(raw).expect("normalises").path()
    }

    #[test]
    fn id_or_user_principal_name_becomes_user_id() {
        let t = normalise("/users/{id | userPrincipalName}/messages/{id}/send").expect("normalises");
        assert_eq!(t.path(), "/users/{user-id}/messages/{message-id}/send");
        assert_eq!(t.operation_id_stem(), "users.user.messages.message.send");
        let params = t.params();
        assert_eq!(params[0].alternatives, vec!["userPrincipalName".to_string()]);
        assert_eq!(params[0].description(), "The unique identifier of user, or its userPrincipalName");
    }

    #[test]
    fn full_urls_and_missing_slashes() {
        assert_eq!(
            path("https://graph.microsoft.com/v1.0/me/messages/{id}/send"),
            "/me/messages/{message-id}/send"
        );
        assert_eq!(path("me/messages"), "/me/messages");
    }

    #[test]
    fn repeated_collections_get_numbered_names() {
        assert_eq!(
            path("/me/mailFolders/{id}/mailFolders/{id}/messages"),
            "/me/mailFolders/{mailFolder-id}/mailFolders/{mailFolder-id1}/messages"
        );
    }

    #[test]
    fn excel_placeholders_and_functions() {
        assert_eq!(
            path("/me/drive/items/{id}/workbook/worksheets/{id|name}/charts(<name>)"),
            "/me/drive/items/{item-id}/workbook/worksheets/{worksheet-id}/charts({name})"
        );
        assert_eq!(path("/me/drive/root:/{item-path}:/content"), "/me/drive/root:/{item-path}:/content");
        let t = normalise("/reports/getEmailActivityCounts(period='{period_value}')").expect("normalises");
        assert_eq!(t.path(), "/reports/getEmailActivityCounts(period='{period_value}')");
        assert_eq!(t.operation_id_stem(), "reports.getEmailActivityCounts");
    }

    #[test]
    fn function_arguments_written_with_spaces() {
        let t = normalise("/me/drive/items/{id}/workbook/worksheets/{id}/range/resizedRange(deltaRows={n}, deltaColumns={n})")
            .expect("normalises");
        assert_eq!(
            t.path(),
            "/me/drive/items/{item-id}/workbook/worksheets/{worksheet-id}/range/resizedRange(deltaRows={n},deltaColumns={n1})"
        );
        assert_eq!(
            path("/range(address='{address}', valuesOnly=true)"),
            "/range(address='{address}',valuesOnly=true)"
        );
    }

    #[test]
    fn alternatives_and_brackets_outside_braces() {
        assert_eq!(
            path("/users/{user-id} | user-principal-name/chats/{chat-id}"),
            "/users/{user-id}/chats/{chat-id}"
        );
        assert_eq!(path("/teams/(team-id)/channels/{channel-id}"), "/teams/{team-id}/channels/{channel-id}");
        assert_eq!(
            path("/me/mailFolders/{id}/childFolders/{id}/.../messages"),
            "/me/mailFolders/{mailFolder-id}/childFolders/{childFolder-id}/messages"
        );
        assert!(normalise("/me/messages/{id}/send now").is_err());
    }

    #[test]
    fn keys_of_collections_are_named_after_them() {
        let t = normalise("/officeConfiguration/clientConfigurations/{key}").expect("normalises");
        assert_eq!(t.path(), "/officeConfiguration/clientConfigurations/{clientConfiguration-id}");
        assert_eq!(t.params()[0].description(), "The unique identifier of clientConfiguration, or its key");
        assert_eq!(path("/workbook/names/{name}/range"), "/workbook/names/{name-id}/range");
        assert_eq!(path("/me/drive/special/{name}"), "/me/drive/special/{name}");
    }

    #[test]
    fn query_strings_are_split_off() {
        let t = normalise("/me/messages?$select=subject,from").expect("normalises");
        assert_eq!(t.path(), "/me/messages");
        assert_eq!(t.query, vec!["$select".to_string()]);
        assert!(t.required_query.is_empty());
        let t =
            normalise("/me/calendarView?startDateTime={start_datetime}&endDateTime={end_datetime}&$top=5")
                .expect("normalises");
        assert_eq!(t.query, ["startDateTime", "endDateTime", "$top"]);
        assert_eq!(t.required_query, ["startDateTime", "endDateTime"]);
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("messages"), "message");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("mailboxes"), "mailbox");
        assert_eq!(singular("me"), "me");
    }
}
