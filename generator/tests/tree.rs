//! The resource tree as callers see it: which paths share a Rust type, how clashing names are told apart,
//! that no operation is dropped, that generation is deterministic, and that errors name the operationId or
//! path at fault.

mod support;

use std::collections::BTreeSet;

use support::{file, generate, methods, parse, returns, spec, spec_of, structs};

/// `mod.rs` of a spec made of these operations, parsed.
fn tree_of(operations: &[(&str, &str, &str)]) -> syn::File {
    parse("mod.rs", file(&generate(&spec_of(operations)), "mod.rs"))
}

/// The error message generating this spec gives; fails the test if it generates.
fn error_of(yaml: &str) -> String {
    match generator::generate(&spec(yaml), &generator::Settings::default()) {
        Ok(_) => panic!("expected an error for\n{yaml}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn me_and_users_share_one_type() {
    let tree = tree_of(&[
        ("post", "/me/messages/{message-id}/send", "me.messages.message.send"),
        ("post", "/users/{user-id}/messages/{message-id}/send", "users.user.messages.message.send"),
        ("get", "/me/messages/{message-id}", "me.messages.message.get"),
        ("get", "/users/{user-id}/messages/{message-id}", "users.user.messages.message.get"),
    ]);
    let all = methods(&tree);
    let me = returns(&all, "Client", "me");
    assert_eq!(me, "UserRequest");
    assert_eq!(returns(&all, "Client", "user"), me);
    let message = returns(&all, &me, "message");
    assert_eq!(message, "MessageRequest");
    let names: Vec<&str> = all[&message].iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["get", "send"]);
    // One type per shape: nothing is duplicated for the second path.
    let types = structs(&tree);
    assert_eq!(types.iter().filter(|t| t.as_str() == "UserRequest").count(), 1);
    assert_eq!(
        types.iter().filter(|t| all.get(*t).is_some_and(|ms| ms.iter().any(|m| m.name == "send"))).count(),
        1
    );
}

#[test]
fn without_the_alias_different_shapes_do_not_share() {
    // With `/me` not declared an alias of `/users/{user-id}`, `/me` can send and `/users/{user-id}` cannot: they
    // must not share a type, or `client.user(id).send()` would compile and go to a path the spec lacks.
    let spec = spec_of(&[
        ("post", "/me/messages/{message-id}/send", "me.send"),
        ("get", "/users/{user-id}/messages/{message-id}", "users.get"),
    ]);
    let files =
        generator::generate(&spec, &generator::Settings::default().with_aliases(vec![])).expect("generates");
    let tree = parse("mod.rs", file(&files, "mod.rs"));
    let all = methods(&tree);
    let me = returns(&all, "Client", "me");
    let user = returns(&all, "Client", "user");
    assert_ne!(me, user);
    let me_message = returns(&all, &me, "message");
    let user_message = returns(&all, &user, "message");
    assert_ne!(me_message, user_message);
    assert_eq!(all[&me_message].iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["send"]);
    assert_eq!(all[&user_message].iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["get"]);
}

#[test]
fn a_key_with_only_operations_still_gets_a_type() {
    // These operations were once dropped without a word: the key node had no children, so no type.
    let tree = tree_of(&[
        ("get", "/users/{user-id}", "users.user.get"),
        ("delete", "/users/{user-id}", "users.user.delete"),
        ("get", "/groups/{group-id}/members/{member-id}", "groups.members.get"),
    ]);
    let all = methods(&tree);
    let user = returns(&all, "Client", "user");
    let names: Vec<&str> = all[&user].iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["delete", "get"]);
    let group = returns(&all, "Client", "group");
    let member = returns(&all, &group, "member");
    assert_eq!(all[&member].iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["get"]);
}

#[test]
fn collections_list_and_create_and_items_get() {
    let tree = tree_of(&[
        ("get", "/me/messages", "me.messages.list"),
        ("post", "/me/messages", "me.messages.create"),
        ("get", "/me/messages/{message-id}", "me.messages.message.get"),
        ("patch", "/me/messages/{message-id}", "me.messages.message.update"),
    ]);
    let all = methods(&tree);
    let me = returns(&all, "Client", "me");
    let messages = returns(&all, &me, "messages");
    let names: Vec<&str> = all[&messages].iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["list", "create", "message"]);
    // `me.message(id)` and `me.messages().message(id)` lead to the same type.
    let message = returns(&all, &me, "message");
    assert_eq!(returns(&all, &messages, "message"), message);
    let names: Vec<&str> = all[&message].iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["get", "update"]);
}

#[test]
fn type_names_come_from_roles_and_shared_names_are_qualified() {
    let tree = tree_of(&[
        // Two `{item-id}` keys of different shapes: each is qualified by the resource it hangs off.
        ("post", "/a/items/{item-id}/x", "a.x"),
        ("post", "/b/items/{item-id}/y", "b.y"),
        // Names the emitted code or the prelude uses: `Client`, `Into`, `Self`.
        ("get", "/client/{client-id}/z", "client.z"),
        ("post", "/into/x", "into.x"),
        ("post", "/into/y", "into.y"),
        ("post", "/self/{self}/w", "self.w"),
        ("post", "/resource/path", "resource.path"),
        ("post", "/resource/other", "resource.other"),
        // A singleton, a collection and an item.
        ("get", "/me/mailboxSettings", "settings.get"),
        ("patch", "/me/mailboxSettings", "settings.update"),
        ("get", "/me/messages", "messages.list"),
        ("get", "/me/messages/{message-id}", "message.get"),
    ]);
    let types = structs(&tree);
    let unique: BTreeSet<&String> = types.iter().collect();
    assert_eq!(unique.len(), types.len(), "a type name is used twice: {types:?}");
    for reserved in ["Client", "Into", "Self", "ResourcePath", "Error", "Operation", "BoxFuture", "Box"] {
        assert!(!unique.contains(&reserved.to_string()), "`{reserved}` is emitted as a type: {types:?}");
    }
    for name in &types {
        assert!(name.ends_with("Request"), "`{name}` is not named as a request: {types:?}");
        assert!(!name.trim_end_matches("Request").ends_with(|c: char| c.is_ascii_digit()), "{types:?}");
    }
    let all = methods(&tree);
    let a_item = returns(&all, &returns(&all, "Client", "a"), "item");
    let b_item = returns(&all, &returns(&all, "Client", "b"), "item");
    assert_eq!((a_item.as_str(), b_item.as_str()), ("AItemRequest", "BItemRequest"));
    assert_eq!(returns(&all, "Client", "into"), "IntoRequest");
    assert_eq!(returns(&all, "Client", "client_"), "ClientRequest");
    let me = returns(&all, "Client", "me");
    let settings = returns(&all, &me, "mailbox_settings");
    assert_eq!(settings, "MailboxSettingsRequest");
    // A singleton gets and updates; it is not listed.
    let names: Vec<&str> = all[&settings].iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["get", "update"]);
    assert_eq!(returns(&all, &me, "message"), "MessageRequest");
    assert_eq!(returns(&all, &me, "messages"), "MessagesRequest");
}

/// Two names no rule tells apart fail generation with the path; nothing is numbered.
#[test]
fn clashing_names_fail_with_the_path() {
    type Operations<'a> = &'a [(&'a str, &'a str, &'a str)];
    let cases: [(Operations, &str); 2] = [
        (&[("get", "/crate", "crate.lower"), ("get", "/Crate", "crate.upper")], "/crate"),
        (&[("post", "/me/x-y", "me.a"), ("post", "/me/x_y", "me.b")], "/me"),
    ];
    for (operations, path) in cases {
        let spec = spec_of(operations);
        let error =
            generator::generate(&spec, &generator::Settings::default()).expect_err("a clash").to_string();
        assert!(error.starts_with(path) && error.contains("no naming rule"), "{error}");
    }
}

#[test]
fn names_the_runtime_has_or_a_sibling_has_follow_a_rule() {
    let tree = tree_of(&[
        // Names `Client` has already: `builder`, `base_url`.
        ("post", "/builder", "builder"),
        ("get", "/base_url", "base.url"),
        // A `calendar` singleton beside the `calendars` collection, and a collection named as its item.
        ("get", "/me/calendar", "calendar.get"),
        ("patch", "/me/calendar", "calendar.update"),
        ("get", "/me/calendars/{calendar-id}", "calendars.get"),
        ("get", "/me/resource/{id}", "resource.get"),
        ("post", "/me/resource/path", "resource.path"),
        // Parameters that clash with the builder's own fields and with each other.
        ("post", "/me/q/{self}", "me.q"),
    ]);
    let all = methods(&tree);
    for (owner, ms) in &all {
        let names: Vec<&str> = ms.iter().map(|m| m.name.as_str()).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "`{owner}` has a method name twice: {names:?}");
        assert!(names.iter().all(|n| !n.ends_with(|c: char| c.is_ascii_digit())), "{names:?}");
    }
    let client: BTreeSet<&str> = all["Client"].iter().map(|m| m.name.as_str()).collect();
    for taken in ["builder", "base_url"] {
        assert!(!client.contains(taken), "`Client::{taken}` is emitted again: {client:?}");
        assert!(client.contains(format!("{taken}_").as_str()), "{client:?}");
    }
    let me = returns(&all, "Client", "me");
    // The key keeps the entity's name; the singleton is qualified by the resource it hangs off.
    assert_eq!(returns(&all, &me, "calendar"), "MeCalendarRequest");
    assert_eq!(returns(&all, &me, "calendar_by_id"), "CalendarRequest");
    assert_eq!(returns(&all, &me, "resource"), "ResourceRequest");
    assert!(all[&me].iter().any(|m| m.name == "resource_by_id"), "{:?}", all[&me]);
}

#[test]
fn a_key_under_the_singular_beside_the_plural_collection_gets_a_name_of_its_own() {
    // 2017's mail pages write `/me/calendar/{id}` (a slip for `/me/calendars/{id}`) beside `/me/calendars/{id}`
    // and the `/me/calendar` singleton: both keys wanted `calendar_by_id`, and generation was refused.
    let spec = spec_of(&[
        ("get", "/me/calendar", "calendar.get"),
        ("get", "/me/calendar/{calendar-id}/events", "calendar.events.list"),
        ("get", "/me/calendars/{calendar-id}/events", "calendars.events.list"),
    ]);
    let files = generate(&spec);
    let text = file(&files, "mod.rs");
    let all = methods(&parse("mod.rs", text));
    let me = returns(&all, "Client", "me");
    let names: BTreeSet<&str> = all[&me].iter().map(|m| m.name.as_str()).collect();
    assert!(names.contains("calendar_by_id") && names.contains("calendar_item_by_id"), "{names:?}");
    // Each goes where its name says: the doc above each accessor names its path (braces escaped).
    let doc_of = |name: &str| {
        let at = text.find(&format!("pub fn {name}(")).unwrap_or_else(|| panic!("no {name} in mod.rs"));
        let start = text[..at].rfind("pub fn ").map_or(0, |i| i + 1);
        text[start..at].to_string()
    };
    assert!(doc_of("calendar_by_id").contains("key: /me/calendars/"), "{}", doc_of("calendar_by_id"));
    assert!(
        doc_of("calendar_item_by_id").contains("key: /me/calendar/"),
        "{}",
        doc_of("calendar_item_by_id")
    );
}

#[test]
fn every_operation_gets_a_request_builder() {
    let operations = [
        ("get", "/", "root.get"),
        ("get", "/users/{user-id}", "users.user.get"),
        ("post", "/users/{user-id}/messages/{message-id}/send", "send"),
        ("get", "/users/{user-id}/messages", "list"),
        ("get", "/users/delta()", "users.delta"),
        ("get", "/users/{user-id}/photo/$value", "photo.value"),
        ("put", "/users/{user-id}/photo/$value", "photo.set"),
    ];
    let text = file(&generate(&spec_of(&operations)), "mod.rs").to_string();
    let tree = parse("mod.rs", &text);
    let futures = tree
        .items
        .iter()
        .filter(|item| matches!(item, syn::Item::Impl(i) if i.trait_.as_ref().is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| s.ident == "IntoFuture"))))
        .count();
    assert_eq!(futures, operations.len());
    for (method, path, _) in operations {
        let shown = format!("- {} {}", method.to_ascii_uppercase(), generator::names::doc_text(path));
        assert!(text.contains(&shown), "`{shown}` is not documented:\n{text}");
    }
    // Literal segments go on the wire as they are when they are plain, `$value` and `delta()` included.
    assert!(text.contains(".literal(\"$value\")") && text.contains(".literal(\"delta()\")"), "{text}");
}

#[test]
fn generation_is_deterministic() {
    let graph = support::load(&support::workspace().join("spec/openapi.yaml"));
    let hostile = support::load(&support::fixture("hostile.yaml"));
    for spec in [graph, hostile] {
        let first = generate(&spec);
        let second = generate(&spec);
        assert_eq!(first, second);
        let third = generator::standalone::crate_files(&spec, "det", "spec.yaml").expect("generates");
        let fourth = generator::standalone::crate_files(&spec, "det", "spec.yaml").expect("generates");
        assert_eq!(third, fourth);
    }
    // The order of the paths in the document does not matter to the resource tree.
    let ops = [
        ("post", "/me/messages/{message-id}/send", "a"),
        ("post", "/users/{user-id}/messages/{message-id}/send", "b"),
        ("get", "/users/{user-id}", "c"),
        ("post", "/crate", "d"),
        ("post", "/a/items/{item-id}/x", "e"),
        ("post", "/b/items/{item-id}/y", "f"),
    ];
    let mut reversed = ops;
    reversed.reverse();
    let mut forward = spec_of(&ops);
    let mut backward = spec_of(&reversed);
    // `spec_of` sorts its paths; put them in opposite orders by hand.
    forward.paths.paths.sort_keys();
    backward.paths.paths.sort_by(|a, _, b, _| b.cmp(a));
    assert_ne!(
        forward.paths.paths.keys().collect::<Vec<_>>(),
        backward.paths.paths.keys().collect::<Vec<_>>()
    );
    assert_eq!(file(&generate(&forward), "mod.rs"), file(&generate(&backward), "mod.rs"));
}

const HEAD: &str = "openapi: 3.0.3\ninfo: { title: t, version: \"1\" }\n";

#[test]
fn a_missing_operation_id_is_named_by_method_and_path() {
    let text = error_of(&format!(
        "{HEAD}paths:\n  /me/send:\n    post:\n      responses: {{ \"204\": {{ description: ok }} }}\n"
    ));
    assert!(text.contains("POST /me/send") && text.contains("no operationId"), "{text}");
}

#[test]
fn a_ref_path_item_is_named_by_its_path() {
    let text = error_of(&format!("{HEAD}paths:\n  /me/send:\n    $ref: \"#/components/pathItems/send\"\n"));
    assert!(text.contains("/me/send") && text.contains("$ref"), "{text}");
}

#[test]
fn path_errors_name_the_operation_id() {
    for (path, why) in [
        ("/a/{}", "malformed parameter"),
        ("/a/x{id", "without closing it"),
        ("/a/../b", "`..` segment"),
        ("/a/./b", "`.` segment"),
    ] {
        let text = error_of(&format!(
            "{HEAD}paths:\n  {path:?}:\n    get:\n      operationId: op.at.fault\n      responses: {{ \"204\": {{ description: ok }} }}\n"
        ));
        assert!(text.contains("op.at.fault") && text.contains(why), "{path}: {text}");
    }
}

#[test]
fn parameter_and_body_errors_name_the_operation_id() {
    let text = error_of(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: op.with.ref\n      parameters: [ {{ $ref: \"#/components/parameters/top\" }} ]\n      responses: {{ \"204\": {{ description: ok }} }}\n"
    ));
    assert!(text.contains("op.with.ref") && text.contains("$ref"), "{text}");
    let text = error_of(&format!(
        "{HEAD}paths:\n  /a:\n    post:\n      operationId: op.with.body\n      requestBody: {{ $ref: \"#/components/requestBodies/missing\" }}\n      responses: {{ \"204\": {{ description: ok }} }}\n"
    ));
    assert!(text.contains("op.with.body") && text.contains("does not resolve"), "{text}");
}

#[test]
fn schemas_typify_cannot_handle_give_an_error_not_a_panic() {
    // `a-b` and `a_b` both want the variant name `AB`; typify panics on that.
    let text = error_of(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    kind: {{ type: string, enum: [a-b, a_b] }}\n"
    ));
    assert!(text.contains("schema types") && text.contains("a-b"), "{text}");
}

#[test]
fn other_openapi_versions_are_refused() {
    let text = error_of("openapi: 3.1.0\ninfo: { title: t, version: \"1\" }\npaths: {}\n");
    assert!(text.contains("3.1.0") && text.contains("not supported"), "{text}");
}

#[test]
fn inline_bodies_are_named_after_their_action() {
    let body = |props: &str| {
        format!("{{ content: {{ application/json: {{ schema: {{ type: object, required: [destinationId], properties: {{ {props} }} }} }} }}, required: true }}")
    };
    let op = |id: &str, props: &str| {
        format!("    post:\n      operationId: {id}\n      requestBody: {}\n      responses: {{ \"204\": {{ description: ok }} }}\n", body(props))
    };
    let same = "destinationId: { type: string }";
    let yaml = format!(
        "{HEAD}paths:\n  /messages/{{message-id}}/move:\n{}  /messages/{{message-id}}/copy:\n{}  /folders/{{folder-id}}/move:\n{}  /messages/{{message-id}}/reply:\n{}  /posts/{{post-id}}/reply:\n{}",
        op("message.move", same),
        op("message.copy", same),
        op("folder.move", same),
        op("message.reply", "destinationId: { type: string }, comment: { type: string }"),
        op("post.reply", "destinationId: { type: string }, to: { type: integer }"),
    );
    let files = generate(&spec(&yaml));
    let types = structs(&parse("types.rs", file(&files, "types.rs")));
    // `move` and `copy` take bodies of one shape, each under its own name; `reply` bodies of two shapes are
    // qualified by their owner.
    assert_eq!(types, ["CopyBody", "MessageReplyBody", "MoveBody", "PostReplyBody"], "{types:?}");
    let text = file(&files, "types.rs");
    let flat: String = text.split_whitespace().collect();
    assert!(flat.contains("pubdestination_id:::std::string::String,"), "required is not an Option: {text}");
    let text = file(&files, "mod.rs");
    let flat: String = text.split_whitespace().collect();
    assert!(flat.contains("pubfnmove_(&self,body:types::MoveBody)"), "{text}");
}

#[test]
fn me_is_an_alias_of_a_user_and_offers_the_union() {
    // Graph's `/me` is the signed-in user: what the pages document under either path works under both, so
    // `client.me()` and `client.user(id)` share one type with both operations, while each method's docs list
    // only the paths the spec documents.
    let spec = spec_of(&[
        ("post", "/me/messages/{message-id}/send", "me.send"),
        ("get", "/users/{user-id}/messages/{message-id}", "users.get"),
    ]);
    let files = generator::generate(&spec, &generator::Settings::default()).expect("generates");
    let text = file(&files, "mod.rs");
    let tree = parse("mod.rs", text);
    let all = methods(&tree);
    let me = returns(&all, "Client", "me");
    assert_eq!(returns(&all, "Client", "user"), me);
    let message = returns(&all, &me, "message");
    assert_eq!(all[&message].iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["get", "send"]);
    assert_eq!(text.matches("/// - POST /me/messages/\\{message-id\\}/send").count(), 1, "{text}");
    assert!(!text.contains("/// - POST /users/"), "send is not documented under /users: {text}");
}

#[test]
fn function_segments_take_their_arguments() {
    let spec = spec_of(&[
        ("get", "/reports/getEmailActivityCounts(period='{period}')", "reports.getEmailActivityCounts"),
        ("get", "/me/messages/delta()", "me.messages.delta"),
    ]);
    let files = generator::generate(&spec, &generator::Settings::default()).expect("generates");
    let text = file(&files, "mod.rs");
    let tree = parse("mod.rs", text);
    let all = methods(&tree);
    let reports = returns(&all, "Client", "reports");
    assert!(all[&reports].iter().any(|m| m.name == "get_email_activity_counts"), "{text}");
    // The text around the argument is emitted as literals; the argument goes through `template`.
    let flat: String = text.split_whitespace().collect();
    assert!(
        flat.contains(r#".template(&["getEmailActivityCounts(period='","')"],vec![period.into()],)"#),
        "{text}"
    );
    assert!(flat.contains("pubfnget_email_activity_counts(&self,period:implInto<String>,)"), "{text}");
}

#[test]
fn a_body_the_client_cannot_carry_is_an_error_naming_the_operation() {
    // A form with an object schema is neither JSON nor bytes: it must not be dropped without a word.
    let text = error_of(&format!(
        "{HEAD}paths:\n  /upload:\n    post:\n      operationId: upload.form\n      requestBody:\n        content:\n          multipart/form-data:\n            schema: {{ type: object, properties: {{ file: {{ type: string }} }} }}\n      responses: {{ \"204\": {{ description: ok }} }}\n"
    ));
    assert!(text.starts_with("upload.form") && text.contains("multipart/form-data"), "{text}");
}

#[test]
fn inheritance_that_loops_is_an_error_naming_the_schemas() {
    let text = error_of(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    a: {{ allOf: [ {{ $ref: '#/components/schemas/b' }}, {{ type: object }} ] }}\n    b: {{ allOf: [ {{ $ref: '#/components/schemas/a' }}, {{ type: object }} ] }}\n"
    ));
    assert!(text.contains("inherits from itself") && text.contains("a -> b -> a"), "{text}");
}

#[test]
fn a_mapping_to_a_missing_schema_is_an_error() {
    let text = error_of(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    base:\n      type: object\n      discriminator: {{ propertyName: kind, mapping: {{ x: '#/components/schemas/gone' }} }}\n"
    ));
    assert!(text.contains("`base`") && text.contains("gone"), "{text}");
}
