//! Config parsing on arbitrary text: a valid config or an error that names
//! the file; never a panic.
#![no_main]

use std::path::Path;

use claimwatch::cli::config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let path = Path::new("/etc/claimwatch/claimwatch.toml");
    match config::parse(path, text) {
        Ok(c) => {
            let _ = c.summary();
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with("/etc/claimwatch/claimwatch.toml"), "{msg}");
            if let Some(line) = e.line {
                assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "line {line} out of range");
            }
        }
    }
});
