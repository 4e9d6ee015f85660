//! Diagnostics: what the reader and the spec builder say about a page, each with the line it is about, and
//! [`Diagnostics`], the one collector of a run that every stage pushes into with the file, so a run reports
//! all its problems at once, each as `file:line: severity: message`.

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

/// One finding about a page, at a 1-based line.
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
        write!(
            f,
            "{}:{}: {}: {}",
            self.file,
            self.diagnostic.line,
            self.diagnostic.severity.as_str(),
            self.diagnostic.message
        )
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

/// Every diagnostic of a run, each with its file and line, in the order the stages said them. A stage
/// receives it and pushes into it (the reader a page's findings through [`Diagnostics::page`], the builder and
/// the checks theirs); the run fails on the first stage that leaves an error in it, with all of them said.
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

    /// What a page's reader found, in its order.
    pub fn page<'a>(&mut self, file: &str, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
        self.all.extend(
            diagnostics.into_iter().map(|d| PageDiagnostic { file: file.to_string(), diagnostic: d.clone() }),
        );
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.all.iter().filter(|d| d.diagnostic.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.all.iter().any(|d| d.diagnostic.severity == Severity::Error)
    }

    pub fn into_vec(self) -> Vec<PageDiagnostic> {
        self.all
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
    }
}
