//! The generated files of the Debian package: man pages and shell
//! completions from the clap definitions, and the packaged copies of the unit
//! and the example config with their install paths filled in.
//!
//! ```sh
//! cargo run --example gen_assets -- target/deb-assets
//! ```
//!
//! `scripts/build-deb.sh` runs this before `cargo deb`; the paths it writes
//! are the ones `[package.metadata.deb]` in Cargo.toml lists. It is an
//! example rather than a build script or a subcommand so that clap_mangen and
//! clap_complete stay dev-dependencies: the shipped binary does not carry
//! them, and an ordinary `cargo build` does not regenerate anything.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use clap::CommandFactory;
use clap_complete::Shell;

use claimwatch::cli::Cli;

/// The source tree, for the unit and the config this program rewrites.
const SOURCE: &str = env!("CARGO_MANIFEST_DIR");

/// Where the binary is installed by hand (the unit's `ExecStart` as written
/// in `systemd/`) and where the package installs it.
const MANUAL_BIN: &str = "/usr/local/bin/claimwatch";
const PACKAGE_BIN: &str = "/usr/bin/claimwatch";

/// The example config's database (relative to the config's folder) and the
/// packaged one: inside the unit's `StateDirectory`, the only place the
/// service may write.
const EXAMPLE_DATABASE: &str = r#"database = "claimwatch.db""#;
const PACKAGE_DATABASE: &str = r#"database = "/var/lib/claimwatch/claimwatch.db""#;

fn main() -> Result<()> {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), None) = (args.next(), args.next()) else {
        bail!("usage: gen_assets OUT_DIR");
    };
    let out = PathBuf::from(out);
    // Start empty: a page of a removed subcommand must not be packaged.
    if out.exists() {
        fs::remove_dir_all(&out).with_context(|| format!("removing {}", out.display()))?;
    }
    for dir in ["man", "completions", "systemd", "maintainer-scripts"] {
        let dir = out.join(dir);
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    }

    // One page for the command and one per subcommand (claimwatch-run(1),
    // ...), which the main page's SUBCOMMANDS section refers to.
    clap_mangen::generate_to(Cli::command(), out.join("man")).context("writing the man pages")?;

    for (shell, name) in [
        (Shell::Bash, "claimwatch"),
        (Shell::Zsh, "_claimwatch"),
        (Shell::Fish, "claimwatch.fish"),
    ] {
        let path = out.join("completions").join(name);
        let mut file =
            fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        clap_complete::generate(shell, &mut Cli::command(), "claimwatch", &mut file);
    }

    // The unit in systemd/ is the single source; the package's copy differs
    // only in ExecStart's path.
    substitute(
        &Path::new(SOURCE).join("systemd/claimwatch.service"),
        &out.join("systemd/claimwatch.service"),
        &[(MANUAL_BIN, PACKAGE_BIN)],
    )?;
    // The example config, with the database where the service can write it
    // and the commands in its header naming the installed file.
    substitute(
        &Path::new(SOURCE).join("config/claimwatch.toml"),
        &out.join("claimwatch.toml"),
        &[
            (EXAMPLE_DATABASE, PACKAGE_DATABASE),
            (
                "--config config/claimwatch.toml",
                "--config /etc/claimwatch/claimwatch.toml",
            ),
        ],
    )?;
    println!("{}", out.display());
    Ok(())
}

/// Copies `from` to `to`, replacing each pattern; a pattern that no longer
/// occurs is an error, so the package can never silently ship the unchanged
/// text.
fn substitute(from: &Path, to: &Path, replacements: &[(&str, &str)]) -> Result<()> {
    let mut text =
        fs::read_to_string(from).with_context(|| format!("reading {}", from.display()))?;
    for (old, new) in replacements {
        ensure!(
            text.contains(old),
            "{} no longer contains {old:?}: update gen_assets",
            from.display()
        );
        text = text.replace(old, new);
    }
    fs::write(to, text).with_context(|| format!("writing {}", to.display()))
}
