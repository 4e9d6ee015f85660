//! Robustness of the reader and converter: no input makes them panic, hang or build an invalid document.
//!
//! A seeded mutator (no cargo-fuzz: it needs nightly) over real pages (the fixtures, the seed page and,
//! when present, every page of `../shared/corpus`) and pages generated from the shapes Graph's pages use.
//! Each input is read from bytes and converted alone or with one or two others; the test fails on a
//! panic, on a conversion error (a page the reader calls good must give a valid document), on YAML that
//! does not read back as the document, on a diagnostic whose line is outside the page, or when one input
//! takes longer than [`STALL`].
//!
//! - `cargo test -p xtask --test fuzz` runs a short pass as part of the normal test run.
//! - `FUZZ_SECONDS=600 cargo test --release -p xtask --test fuzz -- --ignored --nocapture` runs the long
//!   pass; `FUZZ_SEED=n` replays a run. A failing input is written to `target/fuzz-failure-<seed>.md`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use xtask::convert;
use xtask::includes::IncludeRoots;

/// One input may take at most this long before the run counts as a hang.
const STALL: Duration = Duration::from_secs(20);

/// The largest input the mutator hands over.
const MAX_INPUT: usize = 512 * 1024;

/// A small, fast, seedable generator (splitmix64): the run is a pure function of its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Fragments that steer mutations toward the reader's decisions: fences, comments, annotations, spans,
/// headings, tables, placeholders, odd characters.
const TOKENS: &[&str] = &[
    "```",
    "```http\n",
    "~~~",
    "<!--",
    "-->",
    "<!-- { \"blockType\": \"request\", \"name\": \"x\" } -->\n",
    "<!-- { \"blockType\": \"response\", } -->\n",
    "{",
    "}",
    "{id | userPrincipalName}",
    "<name>",
    "(<name>)",
    "root:/{item-path}:",
    "(period='{period_value}')",
    "?$select=a,b&$top=5",
    "https://graph.microsoft.com/v1.0/",
    "|",
    "|:---|:---|\n",
    "| Delegated (work or school account) | Mail.Send, Mail.ReadWrite |\n",
    "|Permission type|Permissions (from most to least privileged)|\n",
    "\n## HTTP request\n",
    "\n## Response\n",
    "\n## Permissions\n",
    "\n## Prerequisites\n",
    "\n## Request headers\n",
    "\n## Request body\n",
    "\n## Optional query parameters\n",
    "\n### Example 1\n",
    "\n#### Request\n",
    "# [HTTP](#tab/http)\n",
    "[!INCLUDE [sample-code](../includes/x.md)]\n",
    "Namespace: microsoft.graph\n",
    "<a name=\"http-request\"></a>",
    "<span data-ttu-id=\"a-1\">",
    "<span class=\"sxs-lookup\"><span data-stu-id=\"a-1\">",
    "</span></span>",
    "</span>",
    "If successful, this method returns `202, Accepted` response code.",
    "HTTP/1.1 200 OK\n",
    "POST /me/messages/{id}/send\n",
    "GET me/events\n",
    "DELETE\n",
    "---\n",
    "title: \"x\"\n",
    "\r\n",
    "\t",
    "\u{feff}",
    "\u{0}",
    "é",
    "—",
    "…",
    "𝔊",
    "\\",
    "\"",
    "'",
    "~~Mail.Read~~",
    "&nbsp;",
    // The newer pages and the last percent: includes, zone pivots, snippets and prose among request lines.
    "[!INCLUDE [permissions-table](../includes/permissions/agentuser-post-approleassignments-permissions.md)]\n",
    "[!INCLUDE [permissions-table](../includes/permissions/fuzz-0-permissions.md)]\n",
    "[!INCLUDE [permissions-table](../../../../includes/permissions/x.md)]\n",
    "[!INCLUDE [national-cloud-support](../../includes/all-clouds.md)]\n",
    "::: zone pivot=\"graph-preview\"\n",
    "::: zone-end\n",
    "<!-- { \"blockType\": \"permissions\", \"name\": \"x\" } -->\n",
    "<!-- { blockType: \"request\", name: \"x\", } -->\n",
    "|Permission type|Least privileged permissions|Higher privileged permissions|\n",
    "\nor\n",
    " or GET /me/messages",
    "resizedRange(deltaRows={n}, deltaColumns={n})",
    "/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793",
    "/AAMkAGI2TAAA=",
    ".../",
    "/.../",
    "```csharp\nstring encodedUrl = \"u!\" + base64Value;\n```\n",
    "string sharingUrl = \"https://onedrive.live.com/redir?resid=1\";\n",
    "\n## Request syntax\n",
    "\n#### HTTP request\n",
];

/// Pages written from the parts Graph's pages are made of, in random order and number.
fn generated_page(rng: &mut Rng) -> Vec<u8> {
    let parts: &[&str] = &[
        "---\ntitle: \"message: send\"\ndescription: \"Send a message\"\n---\n",
        "# message: send\n\nNamespace: microsoft.graph\n\nSend a message.\n",
        "## Permissions\n|Permission type|Permissions (from least to most privileged)|\n|:---|:---|\n|Delegated (work or school account)|Mail.Send|\n|Delegated (personal Microsoft account)|Not supported.|\n|Application|Mail.Send|\n",
        "## Prerequisites\nOne of the following **scopes** is required to execute this API: *Mail.Send*\n",
        "## HTTP request\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nPOST /me/messages/{id}/send\nPOST /users/{id | userPrincipalName}/messages/{id}/send\n```\n",
        "## HTTP request\n```http\nGET /me/drive/root:/{item-path}:/workbook/worksheets/{id|name}/charts(<name>)\n```\n",
        "## Optional query parameters\nThis method supports the `$select` and `$expand` OData query parameters.\n",
        "## Request headers\n| Name | Type | Description |\n|:--|:--|:--|\n| Authorization | string | Bearer {token}. Required. |\n| Prefer | string | outlook.timezone. Optional. |\n",
        "## Request body\n| Parameter | Type | Description |\n|:--|:--|:--|\n| comment | String | A comment. |\n",
        "## Response\nIf successful, this method returns `201 Created` response code and a [message](../resources/message.md) object in the response body.\n",
        "## Examples\n### Example 1\n#### Request\n# [HTTP](#tab/http)\n<!-- { \"blockType\": \"request\", \"name\": \"x\" } -->\n```http\nPOST https://graph.microsoft.com/v1.0/me/messages/AAMk/send\n```\n# [C#](#tab/csharp)\n[!INCLUDE [sample-code](../includes/x.md)]\n\n---\n#### Response\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n```\n",
        "## <a name=\"http-request\"></a><span data-ttu-id=\"a-1\">HTTP-Anforderung</span><span class=\"sxs-lookup\"><span data-stu-id=\"a-1\">HTTP request</span></span>\n```http\nGET /me/messages\n```\n",
        "## Permissions\n<!-- { \"blockType\": \"permissions\", \"name\": \"x\" } -->\n[!INCLUDE [permissions-table](../includes/permissions/agentuser-post-approleassignments-permissions.md)]\n",
        "## Permissions\n[!INCLUDE [permissions-table](../includes/permissions/fuzz-1-permissions.md)]\n[!INCLUDE [rbac](../includes/rbac-for-apis/x.md)]\n",
        "## HTTP request\n```http\nPOST /me/drive/items/{id}/workbook/worksheets/{id}/range/resizedRange(deltaRows={n}, deltaColumns={n})\nor\nGET /education/classes/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/assignments\nAs an example, to encode a URL in C#:\n```\n### Encoding sharing URLs\n```csharp\nstring encodedUrl = \"u!\";\n```\n",
        "## Scenarios\n### Scenario 1\n#### HTTP request\n```http\nGET .../messages\nGET /me/mailFolders/{id}.../messages or DELETE /me/messages/{id}\n```\n",
        "::: zone pivot=\"graph-preview\"\n## Request syntax\n```\nGET me/events\n```\n::: zone-end\n",
    ];
    let mut out = String::new();
    for _ in 0..rng.below(12) + 1 {
        let part: &&str = rng.pick(parts);
        out.push_str(part);
        out.push('\n');
    }
    out.into_bytes()
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..rng.below(8) + 1 {
        let len = input.len();
        let at = rng.below(len + 1);
        match rng.below(11) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => input.insert(at, rng.next() as u8),
            2 if len > 0 => {
                let end = (at + rng.below(64) + 1).min(len);
                input.drain(at.min(end)..end);
            }
            3 if len > 0 => {
                let start = rng.below(len);
                let end = (start + rng.below(256) + 1).min(len);
                let piece = input[start..end].to_vec();
                let at = rng.below(input.len() + 1);
                input.splice(at..at, piece);
            }
            4..=6 => {
                let token = rng.pick(TOKENS).as_bytes().to_vec();
                input.splice(at..at, token);
            }
            7 => input.truncate(at),
            8 => {
                // Splice in part of another page.
                let other = rng.pick(seeds);
                if !other.is_empty() {
                    let start = rng.below(other.len());
                    let end = (start + rng.below(4096) + 1).min(other.len());
                    input.splice(at..at, other[start..end].iter().copied());
                }
            }
            9 if len > 0 => {
                // Repeat a line many times (long sections, long tables).
                let start = input[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                let end = input[at..].iter().position(|&b| b == b'\n').map_or(len, |p| at + p + 1);
                let line = input[start..end].to_vec();
                let times = rng.below(200).min(MAX_INPUT / line.len().max(1));
                let repeated: Vec<u8> = line.iter().copied().cycle().take(line.len() * times).collect();
                input.splice(end..end, repeated);
            }
            _ => {
                // Swap two lines.
                let text = String::from_utf8_lossy(input).into_owned();
                let mut lines: Vec<&str> = text.split('\n').collect();
                if lines.len() > 1 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                    *input = lines.join("\n").into_bytes();
                }
            }
        }
        // Growth stops at the cap after every step, so repeated steps cannot multiply an input out of
        // memory (the first long run stalled on exactly that, in the mutator rather than the reader).
        input.truncate(MAX_INPUT);
    }
}

/// Runs the converter on one set of inputs; `Err` says what went wrong.
fn check_inputs(inputs: &[Vec<u8>]) -> Result<(), String> {
    check_inputs_with(inputs, &IncludeRoots::default())
}

/// [`check_inputs`] with pages labelled as if they stood beside the fixtures' include files
/// (`tests/fixtures/pages/2025-en/api/`), and `includes` as include roots.
fn check_inputs_with(inputs: &[Vec<u8>], includes: &IncludeRoots) -> Result<(), String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages/2025-en/api");
    let mut pages = Vec::new();
    for (i, bytes) in inputs.iter().enumerate() {
        let label = convert::label(&folder.join(format!("fuzz-{i}.md")));
        let page = convert::read_bytes_with(&label, bytes, includes);
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        if let Some(d) = page.diagnostics().iter().find(|d| d.line == 0 || d.line > lines) {
            return Err(format!("diagnostic at line {} of a {lines}-line page: {}", d.line, d.message));
        }
        pages.push(page);
    }
    let conversion = convert::convert(pages, &mut |_| {}, &mut Default::default())
        .map_err(|e| format!("conversion failed: {e:#}"))?;
    // What `--out` writes must read back as the same document.
    let yaml = conversion.yaml().map_err(|e| format!("no YAML: {e:#}"))?;
    let reread: openapiv3::OpenAPI =
        serde_yaml_ng::from_str(&yaml).map_err(|e| format!("the YAML does not read back: {e}"))?;
    if reread != conversion.openapi {
        return Err("the YAML reads back as a different document".into());
    }
    // An API page counted good must have its endpoints in the report.
    for (p, input) in conversion.pages.iter().zip(inputs) {
        let nothing_to_convert = match convert::read_bytes("x.md", input) {
            convert::Source::Resource(_) => true,
            convert::Source::Api(page) => page.placeholder.is_some(),
        };
        if p.ok && p.operations.is_empty() && !nothing_to_convert {
            return Err(format!("{} is ok but has no operation", p.file));
        }
    }
    Ok(())
}

fn seed_pages() -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = Vec::new();
    let root = xtask::project_root();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for dir in [root.join("spec/docs"), fixtures, root.join("../shared/corpus")] {
        if dir.is_dir() {
            files.extend(convert::page_files(&[dir], &mut Default::default()));
        }
    }
    let mut seeds: Vec<Vec<u8>> = files.iter().filter_map(|f| std::fs::read(f).ok()).collect();
    seeds.push(Vec::new());
    seeds
}

/// Fuzzes for `duration` (or at least `min_iterations` inputs) and returns the number of iterations.
fn fuzz(seed: u64, duration: Duration, min_iterations: u64) -> u64 {
    let seeds = Arc::new(seed_pages());
    // An include root of mutated permission tables: `fuzz-<n>-permissions.md` under `v1.0/includes/permissions/`.
    let root = tempfile::tempdir().expect("temp dir");
    let tables = root.path().join("v1.0/includes/permissions");
    std::fs::create_dir_all(&tables).expect("include folder");
    let mut rng = Rng(seed ^ 0x1c1d);
    let include_seed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "tests/fixtures/pages/2025-en/includes/permissions/agentuser-post-approleassignments-permissions.md",
    ))
    .expect("include fixture");
    for n in 0..4 {
        let mut table = include_seed.clone();
        if n > 0 {
            mutate(&mut rng, &seeds, &mut table);
        }
        std::fs::write(tables.join(format!("fuzz-{n}-permissions.md")), table).expect("write include");
    }
    let includes = IncludeRoots::new(vec![root.path().to_path_buf()]);
    let current: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let done = Arc::new(AtomicU64::new(0));
    let failure: Arc<Mutex<Option<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Whether the worker is making an input (false) or converting it (true), for the stall message.
    let converting = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let worker = {
        let includes = includes.clone();
        let (seeds, current, done, failure, stop, converting) =
            (seeds.clone(), current.clone(), done.clone(), failure.clone(), stop.clone(), converting.clone());
        std::thread::spawn(move || {
            let mut rng = Rng(seed);
            let start = Instant::now();
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) && (start.elapsed() < duration || n < min_iterations) {
                converting.store(false, Ordering::Relaxed);
                let count = 1 + usize::from(rng.below(4) == 0) + usize::from(rng.below(8) == 0);
                let inputs: Vec<Vec<u8>> = (0..count)
                    .map(|_| {
                        let mut input = if rng.below(4) == 0 {
                            generated_page(&mut rng)
                        } else {
                            rng.pick(&seeds).clone()
                        };
                        mutate(&mut rng, &seeds, &mut input);
                        // Real pages stay under 100 KB; the cap keeps each input quick while the
                        // `large_inputs_stay_linear` test covers size on its own.
                        input.truncate(MAX_INPUT);
                        input
                    })
                    .collect();
                if let Ok(mut c) = current.lock() {
                    c.clone_from(&inputs);
                }
                converting.store(true, Ordering::Relaxed);
                let outcome = catch_unwind(AssertUnwindSafe(|| check_inputs_with(&inputs, &includes)))
                    .unwrap_or_else(|_| Err("panicked".to_string()));
                if let Err(e) = outcome {
                    if let Ok(mut f) = failure.lock() {
                        *f = Some(e);
                    }
                    return;
                }
                n += 1;
                done.store(n, Ordering::Relaxed);
            }
        })
    };
    // Watchdog: the worker must finish each input within STALL.
    let mut last = (0, Instant::now());
    while !worker.is_finished() {
        std::thread::sleep(Duration::from_millis(200));
        let n = done.load(Ordering::Relaxed);
        if n != last.0 {
            last = (n, Instant::now());
        } else if last.1.elapsed() > STALL {
            stop.store(true, Ordering::Relaxed);
            let inputs = current.lock().map(|c| c.clone()).unwrap_or_default();
            let saved = save_failure(seed, &inputs);
            let phase = if converting.load(Ordering::Relaxed) { "converting" } else { "making" };
            panic!("{phase} one input took over {STALL:?} (a hang?) after {n} iterations; saved to {saved}");
        }
    }
    let _ = worker.join();
    let failed = failure.lock().ok().and_then(|f| f.clone());
    if let Some(message) = failed {
        let inputs = current.lock().map(|c| c.clone()).unwrap_or_default();
        let saved = save_failure(seed, &inputs);
        panic!("seed {seed}: {message}; the input is saved to {saved}");
    }
    done.load(Ordering::Relaxed)
}

fn save_failure(seed: u64, inputs: &[Vec<u8>]) -> String {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| xtask::project_root().join("target"));
    let mut saved = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let path = dir.join(format!("fuzz-failure-{seed}-{i}.md"));
        if std::fs::write(&path, input).is_ok() {
            saved.push(path.display().to_string());
        }
    }
    saved.join(", ")
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn short_fuzz_finds_no_panic_hang_or_invalid_document() {
    let seed = env_u64("FUZZ_SEED").unwrap_or(0x5eed);
    let n = fuzz(seed, Duration::from_secs(3), 50);
    println!("fuzz: {n} inputs, seed {seed}");
}

#[test]
#[ignore = "long: FUZZ_SECONDS=600 cargo test --release -p xtask --test fuzz -- --ignored --nocapture"]
fn long_fuzz() {
    let seconds = env_u64("FUZZ_SECONDS").unwrap_or(600);
    let seed = env_u64("FUZZ_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs())
    });
    let start = Instant::now();
    let n = fuzz(seed, Duration::from_secs(seconds), 0);
    println!("fuzz: {n} inputs in {:.0?}, seed {seed}, no failure", start.elapsed());
}

/// Inputs far larger than any real page, shaped to catch work that grows with the square of the input: a
/// path of thousands of `{id}` keys, a line of unmatched brackets, a comment that never closes, thousands
/// of scopes and headers.
#[test]
fn large_inputs_stay_linear() {
    let keys = "/items/{id}".repeat(10_000);
    let cases = [
        format!("## HTTP request\n```http\nGET {keys}\n```\n"),
        format!("# x\n{}\n## HTTP request\n```http\nGET /a\n```\n", "[<&".repeat(300_000)),
        format!("## HTTP request\n```http\nGET /a\n```\n<!-- {{\n{}", "\"a\": 1,\n".repeat(100_000)),
        format!(
            "## Permissions\n{}\n## Request headers\n{}\n## HTTP request\n```http\nGET /a\n```\n",
            (0..15_000).map(|i| format!("Scope{i}.Read ")).collect::<String>(),
            (0..15_000).map(|i| format!("| X-H{i} | v |\n")).collect::<String>()
        ),
        // One request line of thousands of alternatives, thousands of request sections, an annotation of
        // thousands of unquoted keys, thousands of include lines.
        format!("## HTTP request\n```http\nGET /a{}\n```\n", " or GET /b".repeat(50_000)),
        "## HTTP request\n```http\nGET /a\n```\n".repeat(20_000),
        format!(
            "## HTTP request\n```http\nGET /a\n```\n<!-- {{ {} \"z\": 1 }} -->\n",
            "k: 1, ".repeat(100_000)
        ),
        format!(
            "## Permissions\n{}## HTTP request\n```http\nGET /a\n```\n",
            "[!INCLUDE [permissions-table](../includes/permissions/missing.md)]\n".repeat(20_000)
        ),
    ];
    for case in &cases {
        let start = Instant::now();
        let outcome = check_inputs(&[case.as_bytes().to_vec()]);
        assert!(outcome.is_ok(), "{outcome:?}");
        println!("{} bytes: {:?}", case.len(), start.elapsed());
        assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
    }
}

#[test]
fn known_hard_inputs() {
    let cases: &[&str] = &[
        "",
        "\u{feff}",
        "---",
        "---\n",
        "```",
        "<!--",
        "<!-- {",
        "# x\n## HTTP request\n```http\nGET\n```",
        "## HTTP request\n```http\nGET {\n```",
        "## HTTP request\n```http\nGET /a/}/b\n```",
        "## HTTP request\n```http\nGET /a/{x}{y}/{z|}/{|}\n```",
        "## HTTP request\n```http\nGET https://\n```",
        "## HTTP request\n```http\nGET /a?\n```",
        "## HTTP request\n```http\nPOST /me/drive/root:/{item-path\n```",
        "## HTTP request\n```http\nGET /x('\n```",
        "## HTTP request\n```http\nGET /é/{é}/ü(<ö>)\n```",
        "## <a name=\"http-request\"></a><span data-ttu-id=\"a\">x</span><span class=\"sxs-lookup\"><span data-stu-id=\"a\">",
        "|",
        "||||\n|-|-|\n|Delegated|\n",
        "## Permissions\n| Supported resource | Permission |\n|-|-|\n| x |\n",
        "## Response\n200",
        "## Response\n`2",
        // Found by the long run (seed 20261127): a resource page whose property type holds a URL made a
        // schema reference the document could not resolve, and convert failed as a whole.
        "---\ndoc_type: resourcePageType\n---\n# x resource type\n## Properties\n| Property | Type | Description |\n|:--|:--|:--|\n| classifyAs | inferenhttps://graph.microsoft.com/v1.0/ceType | The possible values are: `focused`, `other`. |\n## JSON representation\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.x\" } -->\n```json\n{}\n```\n",
    ];
    for case in cases {
        let outcome = catch_unwind(|| check_inputs(&[case.as_bytes().to_vec()]));
        assert!(matches!(outcome, Ok(Ok(()))), "{case:?}: {outcome:?}");
    }
    // Bytes that are not UTF-8 are an error for that page only.
    let page = convert::read_bytes("bad.md", b"# x\n\xff\xfe");
    assert!(page.has_errors());
    assert_eq!(page.diagnostics()[0].line, 2);
}
