//! Diagnostics: what the reader and the spec builder say about a page, each with the line it is about.

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
