//! The progress bar of `cargo xtask convert` on stderr, shown only on a terminal.

use std::io::{IsTerminal, Write as _};

/// A progress bar on stderr, shown only on a terminal and only when there are enough pages to wait for.
pub(super) struct Progress {
    total: usize,
    shown: bool,
    last: usize,
}

impl Progress {
    const MIN_PAGES: usize = 50;

    pub(super) fn new(total: usize) -> Self {
        Progress {
            total,
            shown: total >= Self::MIN_PAGES && std::io::stderr().is_terminal(),
            last: usize::MAX,
        }
    }

    pub(super) fn update(&mut self, stage: &str, done: usize) {
        if !self.shown || self.total == 0 {
            return;
        }
        let percent = done.min(self.total) * 100 / self.total;
        if percent == self.last && done < self.total {
            return;
        }
        self.last = percent;
        const WIDTH: usize = 30;
        let filled = percent * WIDTH / 100;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r{stage:<10} [{}{}] {done:>5}/{} ",
            "=".repeat(filled),
            " ".repeat(WIDTH - filled),
            self.total
        );
        let _ = err.flush();
    }

    pub(super) fn finish(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(60));
            let _ = err.flush();
        }
    }
}
