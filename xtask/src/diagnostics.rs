//! Diagnostics: what the reader and the spec builder say about a page, each with the line it is about, and
//! [`Diagnostics`], the one collector of a run that every stage pushes into with the file, so a run reports
//! all its problems at once, each as `file:line: severity: message` (or `file: severity: message` for a
//! finding about a file as a whole, such as one that cannot be read or written).

use std::fmt;

/// How bad a diagnostic is: errors stop regen, warnings are printed and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding about a page, at a 1-based line; line 0 is the file as a whole ([`Diagnostic::about_file`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub line: usize,
    pub message: String,
}

impl Diagnostic {
    pub fn error(line: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, line, message: message.into() }
    }

    pub fn warning(line: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, line, message: message.into() }
    }

    /// An error about a file as a whole, which no line is to blame for (it cannot be read, or written).
    pub fn about_file(message: impl Into<String>) -> Self {
        Diagnostic::error(0, message)
    }

    /// Formats the diagnostic the way compilers do, so editors can jump to it: `file:line: severity: message`.
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        DisplayWithFile { diagnostic: self, file }
    }
}

struct DisplayWithFile<'a> {
    diagnostic: &'a Diagnostic,
    file: &'a str,
}

impl fmt::Display for DisplayWithFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        match d.line {
            0 => write!(f, "{}: {}: {}", self.file, d.severity.as_str(), d.message),
            line => write!(f, "{}:{line}: {}: {}", self.file, d.severity.as_str(), d.message),
        }
    }
}

/// A diagnostic about one page, for output that spans pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageDiagnostic {
    pub file: String,
    pub diagnostic: Diagnostic,
}

impl fmt::Display for PageDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diagnostic.display(&self.file))
    }
}

/// Every diagnostic of a run, each with its file and line, in the order the stages said them. Every stage
/// receives it and pushes into it (the reader's pages through `report_to`, the spec builder, the spec's
/// checks, the generator's errors, the writer's); the task prints it once, at the end, and fails when it holds
/// an error ([`Diagnostics::fail_on_errors`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    all: Vec<PageDiagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    /// One finding about `file`.
    pub fn push(&mut self, file: &str, diagnostic: Diagnostic) {
        self.all.push(PageDiagnostic { file: file.to_string(), diagnostic });
    }

    /// An error at `file:line`.
    pub fn error(&mut self, file: &str, line: usize, message: impl Into<String>) {
        self.push(file, Diagnostic::error(line, message));
    }

    /// An error about `file` as a whole (see [`Diagnostic::about_file`]).
    pub fn file_error(&mut self, file: &str, message: impl Into<String>) {
        self.push(file, Diagnostic::about_file(message));
    }

    /// What a page's reader found, in its order.
    pub fn page<'a>(&mut self, file: &str, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
        self.all.extend(
            diagnostics.into_iter().map(|d| PageDiagnostic { file: file.to_string(), diagnostic: d.clone() }),
        );
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.all.iter().filter(|d| d.diagnostic.severity == severity).count()
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.all.iter().any(|d| d.diagnostic.severity == Severity::Error)
    }

    /// Whether any error was said since the collector's length (`len()`, through `Deref`) was `mark`: a
    /// stage's own verdict.
    pub fn has_errors_since(&self, mark: usize) -> bool {
        self.all.get(mark..).unwrap_or_default().iter().any(|d| d.diagnostic.severity == Severity::Error)
    }

    /// Takes back what was said since `mark` (a pass that is run again, and says it again).
    pub fn truncate(&mut self, mark: usize) {
        self.all.truncate(mark);
    }

    /// Fails, after everything is said, when an error was: the error says how many and what that means for
    /// the run (`consequence`: "nothing was written").
    pub fn fail_on_errors(&self, consequence: &str) -> anyhow::Result<()> {
        match self.errors() {
            0 => Ok(()),
            n => Err(anyhow::anyhow!("{n} error(s), {} warning(s); {consequence}", self.warnings())),
        }
    }

    /// Orders the findings by file (`rank` of the file, say the order of the inputs), then by line, keeping
    /// the order they were said in among equals, and drops repeats: a page's findings together whichever
    /// stage said them.
    pub fn sort_by_file<K: Ord>(&mut self, rank: impl Fn(&str) -> K) {
        self.all.sort_by_cached_key(|d| (rank(&d.file), d.diagnostic.line));
        self.all.dedup();
    }

    /// Prints every finding at `least` or worse to stderr, one line each.
    pub fn print(&self, least: Severity) {
        use std::io::Write as _;
        let mut err = std::io::stderr().lock();
        for d in self.all.iter().filter(|d| d.diagnostic.severity >= least) {
            // A closed stderr is no reason to fail the run.
            let _ = writeln!(err, "{d}");
        }
    }
}

impl std::ops::Deref for Diagnostics {
    type Target = [PageDiagnostic];

    fn deref(&self) -> &[PageDiagnostic] {
        &self.all
    }
}

impl Extend<PageDiagnostic> for Diagnostics {
    fn extend<T: IntoIterator<Item = PageDiagnostic>>(&mut self, iter: T) {
        self.all.extend(iter);
    }
}

impl From<Vec<PageDiagnostic>> for Diagnostics {
    fn from(all: Vec<PageDiagnostic>) -> Self {
        Diagnostics { all }
    }
}

impl IntoIterator for Diagnostics {
    type Item = PageDiagnostic;
    type IntoIter = std::vec::IntoIter<PageDiagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.all.into_iter()
    }
}

/// One line per diagnostic, `file:line: severity: message`, then the count of each severity.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.all {
            writeln!(f, "{d}")?;
        }
        write!(f, "{} error(s), {} warning(s)", self.count(Severity::Error), self.count(Severity::Warning))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_says_every_finding_with_its_file_and_line() {
        let mut all = Diagnostics::new();
        all.page("a.md", &[Diagnostic::warning(3, "odd"), Diagnostic::error(7, "broken")]);
        all.push("b.md", Diagnostic::error(1, "empty"));
        assert!(all.has_errors());
        assert_eq!((all.count(Severity::Error), all.count(Severity::Warning)), (2, 1));
        assert_eq!(
            all.to_string(),
            "a.md:3: warning: odd\na.md:7: error: broken\nb.md:1: error: empty\n2 error(s), 1 warning(s)"
        );
        assert!(!Diagnostics::from(vec![all[0].clone()]).has_errors());
        assert_eq!(
            all.fail_on_errors("nothing was written").map_err(|e| e.to_string()),
            Err("2 error(s), 1 warning(s); nothing was written".to_string())
        );
    }

    #[test]
    fn a_finding_about_a_whole_file_has_no_line() {
        let mut all = Diagnostics::new();
        all.file_error("spec/openapi.yaml", "cannot replace it: disk full");
        assert_eq!(all[0].to_string(), "spec/openapi.yaml: error: cannot replace it: disk full");
    }

    #[test]
    fn sorting_by_file_keeps_the_order_said_among_equals_and_drops_repeats() {
        let mut all = Diagnostics::new();
        all.push("b.md", Diagnostic::warning(2, "late"));
        all.push("a.md", Diagnostic::error(9, "second"));
        all.push("a.md", Diagnostic::error(1, "first"));
        all.push("a.md", Diagnostic::error(9, "third"));
        all.push("a.md", Diagnostic::error(1, "first"));
        all.sort_by_file(|f| usize::from(f == "b.md"));
        let said: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "a.md:1: error: first",
                "a.md:9: error: second",
                "a.md:9: error: third",
                "b.md:2: warning: late"
            ]
        );
        assert!(all.has_errors_since(0) && !all.has_errors_since(3));
    }
}
